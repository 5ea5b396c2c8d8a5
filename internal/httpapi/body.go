package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// maxBodyBytes limits request bodies. Entra's largest bodies (a user with
// every attribute, a PATCH of a few dozen operations) are a few KiB.
const maxBodyBytes = 1 << 20

// contentType is the media type of every SCIM body (RFC 7644 §3.1).
const contentType = "application/scim+json"

// readBody reads a request body of a SCIM media type: application/scim+json
// or application/json, with any parameters, or no Content-Type at all.
// Returns a 415 *scim.Error for another type, a *http.MaxBytesError beyond
// 1 MiB, and a 400 *scim.Error (invalidSyntax) for an empty body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		// ParseMediaType lowercases the type and still returns it when
		// only a parameter is malformed.
		mt, _, err := mime.ParseMediaType(ct)
		if (err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter)) || (mt != contentType && mt != "application/json") {
			return nil, scim.Errorf(http.StatusUnsupportedMediaType, "", "send the body as %s or application/json", contentType)
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, scim.BadRequest(scim.InvalidSyntax, "the request body could not be read")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, scim.BadRequest(scim.InvalidSyntax, "the request body is empty; send a JSON object")
	}
	return b, nil
}

// readObject reads a request body (see readBody) holding exactly one JSON
// object, decoded with numbers as json.Number. Returns a 400 *scim.Error
// (invalidSyntax) for malformed JSON, another JSON value or trailing data.
func readObject(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	b, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return codec.DecodeObject(b, "the request body")
}

// maxPooledBody is the largest response buffer kept for reuse: a few
// resources' worth. The rare larger one (a group read with all its
// members) is left to the garbage collector rather than held.
const maxPooledBody = 64 << 10

// bodies are response buffers. A buffer is reused once its response is
// written, since an io.Writer must not retain what it is given.
var bodies = sync.Pool{New: func() any { return new([]byte) }}

// maxResponseBody bounds a response body. A Lambda function's response is
// at most 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html),
// and the body travels in it JSON-escaped, or base64-encoded (a third
// larger): 4 MiB of body fits either way. A larger answer would fail the
// invocation, which API Gateway turns into a bare 500.
const maxResponseBody = 4 << 20

// writeRendered writes the body that render appends to a pooled buffer,
// with the given status (see writeJSON). It returns render's error, or a
// SCIM error saying what to ask instead of a body over maxResponseBody,
// having written nothing.
func writeRendered(w http.ResponseWriter, status int, render func(dst []byte) ([]byte, error)) error {
	buf := bodies.Get().(*[]byte)
	b, err := render((*buf)[:0])
	if err == nil && len(b) > maxResponseBody {
		w.Header().Del("ETag")
		w.Header().Del("Location")
		err = scim.Errorf(http.StatusBadRequest, scim.TooMany,
			"the response would be %d bytes, more than the %d the bridge can return through AWS Lambda: "+
				"ask for less, with excludedAttributes=members (groups), attributes=... or a smaller count", len(b), maxResponseBody)
	}
	if err == nil {
		writeBody(w, status, b)
	}
	if cap(b) <= maxPooledBody {
		*buf = b
		bodies.Put(buf)
	}
	return err
}

// writeBody writes b as a SCIM body with the given status, setting the
// content type and status explicitly (see writeJSON).
func writeBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	// A failed write means the client went away; there is no one to tell.
	_, _ = w.Write(b)
}

// writeJSON writes v as a SCIM body with the given status. The content type
// and status are always set explicitly: the Lambda adapter would otherwise
// guess the one and fail without the other. It returns an error, having
// written nothing, when v cannot be encoded.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("httpapi: encode response: %w", err)
	}
	writeBody(w, status, b)
	return nil
}
