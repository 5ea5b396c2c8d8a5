package scim

import (
	"strings"
	"unicode"
)

// Fold returns the case-folded form of s used wherever SCIM compares
// case-insensitively: filters on caseExact=false attributes and the
// uniqueness of userName and group displayName. Both must use this one rule,
// or a filter misses what a 409 protects and Entra loops on create.
//
// Each rune is mapped to lower(upper(r)), which joins every simple case
// folding orbit: "K", "k" and the Kelvin sign; "ß" and "ẞ"; "I", "i" and the
// dotless "ı" (and "İ", whose lower case is "i"). Full foldings that change
// length ("ß" to "ss") are not applied, so "straße" and "strasse" differ.
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.Map(foldRune, s)
		}
	}
	return s
}

func foldRune(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }
