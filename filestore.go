package vivier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// FileStore keeps the files candidates send outside the database, which
// holds only their checksum and size. Keys are made by Vivier, never taken
// from a request.
type FileStore interface {
	Put(ctx context.Context, key string, data []byte, contentType string) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error // deleting a missing file is not an error
}

var fileKeyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,200}$`)

// CheckFileKey refuses a key that could leave the store's folder or bucket;
// every FileStore checks the keys it is given.
func CheckFileKey(key string) error {
	if !fileKeyPattern.MatchString(key) || strings.Contains(key, "//") {
		return fmt.Errorf("file store: bad key %q", key)
	}
	return nil
}

// LocalFiles is a FileStore in a folder.
type LocalFiles struct{ dir string }

// NewLocalFiles makes the folder if needed.
func NewLocalFiles(dir string) (*LocalFiles, error) {
	if dir == "" {
		return nil, errors.New("file store: no folder")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return &LocalFiles{dir: dir}, nil
}

func (l *LocalFiles) path(key string) (string, error) {
	if err := CheckFileKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.dir, filepath.FromSlash(key)), nil
}

// Put writes the file atomically: a reader never sees half a CV.
func (l *LocalFiles) Put(_ context.Context, key string, data []byte, _ string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	// Once renamed, the temporary file is gone and removing it fails: that
	// failure is the expected case.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("file store: %w", errors.Join(err, tmp.Close()))
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("file store: %w", errors.Join(err, tmp.Close()))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("file store: %w", err)
	}
	return nil
}

// Open reads a file; a missing one is ENOTFOUND.
func (l *LocalFiles) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Errorf(ENOTFOUND, "Ce fichier n'existe plus.")
	}
	return f, err
}

// Delete removes a file.
func (l *LocalFiles) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file store: %w", err)
	}
	return nil
}
