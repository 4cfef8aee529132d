package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"
)

// multipartForm encodes fields and files as a browser does; fileName gives
// the name each file is sent under, from its field.
func multipartForm(t testing.TB, fields map[string]string, files map[string][]byte, fileName func(field string) string) (contentType string, body []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for field, data := range files {
		fw, err := w.CreateFormFile(field, fileName(field))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

// sendMultipart posts a multipart form with the headers of header, and
// returns the answer and its body.
func sendMultipart(t testing.TB, c *http.Client, u string, header http.Header, fields map[string]string, files map[string][]byte, fileName func(string) string) (*http.Response, string) {
	t.Helper()
	contentType, body := multipartForm(t, fields, files, fileName)
	req, err := http.NewRequest("POST", u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	return send(t, c, req)
}
