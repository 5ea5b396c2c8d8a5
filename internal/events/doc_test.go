package events_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/events/eventstest"
)

var update = flag.Bool("update", false, "rewrite the examples in docs/events.md from the code")

const (
	docPath    = "../../docs/events.md"
	schemaPath = "../../docs/events.schema.json"
)

// exampleBlock is an example in docs/events.md: a marker naming the event
// type, then the event as a JSON code block.
var exampleBlock = regexp.MustCompile("(?s)<!-- example: ([A-Za-z ]+) -->\n```json\n(.*?)```")

// TestDocExamplesAreDerived checks that docs/events.md shows one example of
// each event type, in the order of events.Types, and that each is exactly
// what Derive makes of the change it describes; -update rewrites them.
func TestDocExamplesAreDerived(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	want := map[events.Type][]byte{}
	for _, ex := range examples() {
		evs, err := events.Derive(ex.change)
		if err != nil {
			t.Fatalf("%s: %v", ex.typ, err)
		}
		if len(evs) != 1 || evs[0].Type != ex.typ {
			t.Fatalf("the example of %s derives %v", ex.typ, typesOf(evs))
		}
		want[ex.typ] = indent(t, evs[0])
	}
	var shown []events.Type
	out := exampleBlock.ReplaceAllFunc(doc, func(block []byte) []byte {
		m := exampleBlock.FindSubmatch(block)
		typ := events.Type(m[1])
		shown = append(shown, typ)
		w, ok := want[typ]
		switch {
		case !ok:
			t.Errorf("docs/events.md shows an example of %q, which is no event type", typ)
		case !*update && !bytes.Equal(bytes.TrimSuffix(m[2], []byte("\n")), w):
			t.Errorf("the example of %s in docs/events.md is not what Derive makes (go test -update rewrites it):\n got %s\nwant %s", typ, m[2], w)
		}
		return slices.Concat([]byte("<!-- example: "+string(typ)+" -->\n```json\n"), w, []byte("\n```"))
	})
	if !slices.Equal(shown, events.Types) {
		t.Errorf("docs/events.md shows examples of %v, want one of each of %v in that order", shown, events.Types)
	}
	if *update && !t.Failed() {
		if err := os.WriteFile(docPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDocExamplesValidate checks every example in docs/events.md against
// the published schema.
func TestDocExamplesValidate(t *testing.T) {
	v, err := eventstest.Load(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := exampleBlock.FindAllSubmatch(doc, -1)
	if len(blocks) == 0 {
		t.Fatal("no examples in docs/events.md")
	}
	for _, m := range blocks {
		if err := v.Validate(m[2]); err != nil {
			t.Errorf("the example of %s: %v", m[1], err)
		}
	}
}

func indent(t *testing.T, e events.Event) []byte {
	t.Helper()
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func typesOf(evs []events.Event) []events.Type {
	var ts []events.Type
	for _, e := range evs {
		ts = append(ts, e.Type)
	}
	return ts
}
