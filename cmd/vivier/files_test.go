package main

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"vivier"
)

// Both stores answer the same way; the S3 one talks real S3 over HTTP to an
// in-process server.
func TestFileStores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s3 := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(s3.Close)
	stores := map[string]string{
		"local": "file://" + t.TempDir() + "/files",
		"s3":    "s3://key:secret@" + strings.TrimPrefix(s3.URL, "http://") + "/vivier-cv?tls=false&region=us-east-1",
	}
	for name, raw := range stores {
		t.Run(name, func(t *testing.T) {
			fs, err := openFileStore(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			key := "applications/42/cv-1"
			if err := fs.Put(ctx, key, []byte("%PDF-1.4 contenu"), vivier.TypePDF); err != nil {
				t.Fatal(err)
			}
			r, err := fs.Open(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if string(b) != "%PDF-1.4 contenu" {
				t.Fatalf("read %q", b)
			}
			if err := fs.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if err := fs.Delete(ctx, key); err != nil {
				t.Fatalf("deleting twice: %v", err)
			}
			if _, err := fs.Open(ctx, key); vivier.ErrorCode(err) != vivier.ENOTFOUND {
				t.Fatalf("open after delete: %v", err)
			}
			for _, bad := range []string{"../etc/passwd", "/abs", "a//b", "A", ""} {
				if err := fs.Put(ctx, bad, []byte("x"), "text/plain"); err == nil {
					t.Errorf("key %q accepted", bad)
				}
			}
		})
	}
	if _, err := openFileStore(ctx, "ftp://x/y"); err == nil {
		t.Error("an unknown scheme was accepted")
	}
}
