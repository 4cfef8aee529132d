package vivier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
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

func checkFileKey(key string) error {
	if !fileKeyPattern.MatchString(key) || strings.Contains(key, "//") {
		return fmt.Errorf("file store: bad key %q", key)
	}
	return nil
}

// OpenFileStore opens the store a URL names: file:///var/lib/vivier/files or
// file:relative/dir (one instance) or s3://KEY:SECRET@host:port/bucket?tls=false&region=R
// (S3-compatible object storage, for several instances).
func OpenFileStore(ctx context.Context, raw string) (FileStore, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("file store URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		if u.Opaque != "" { // file:relative/dir
			return NewLocalFiles(u.Opaque)
		}
		return NewLocalFiles(u.Path)
	case "s3":
		return NewS3Files(ctx, u)
	}
	return nil, fmt.Errorf("file store URL: scheme %q is neither file nor s3", u.Scheme)
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
	if err := checkFileKey(key); err != nil {
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
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("file store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("file store: %w", err)
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

// S3Files is a FileStore in a bucket of an S3-compatible object storage.
type S3Files struct {
	client *minio.Client
	bucket string
}

// NewS3Files connects to the bucket named by an s3:// URL and makes it if
// it does not exist.
func NewS3Files(ctx context.Context, u *url.URL) (*S3Files, error) {
	bucket := strings.Trim(u.Path, "/")
	if bucket == "" || u.User == nil {
		return nil, errors.New("file store URL: s3://KEY:SECRET@host/bucket")
	}
	secret, _ := u.User.Password()
	client, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(u.User.Username(), secret, ""),
		Secure: u.Query().Get("tls") != "false",
		Region: u.Query().Get("region"),
	})
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	ok, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("file store: bucket %s: %w", bucket, err)
	}
	if !ok {
		if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: u.Query().Get("region")}); err != nil {
			return nil, fmt.Errorf("file store: make bucket %s: %w", bucket, err)
		}
	}
	return &S3Files{client: client, bucket: bucket}, nil
}

// Put uploads the file.
func (s *S3Files) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := checkFileKey(key); err != nil {
		return err
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("file store: put %s: %w", key, err)
	}
	return nil
}

// Open downloads a file; a missing one is ENOTFOUND.
func (s *S3Files) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkFileKey(key); err != nil {
		return nil, err
	}
	// GetObject is lazy: Stat makes a missing key an error now, not at
	// the first read.
	if _, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, Errorf(ENOTFOUND, "Ce fichier n'existe plus.")
		}
		return nil, fmt.Errorf("file store: stat %s: %w", key, err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("file store: get %s: %w", key, err)
	}
	return obj, nil
}

// Delete removes a file.
func (s *S3Files) Delete(ctx context.Context, key string) error {
	if err := checkFileKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("file store: delete %s: %w", key, err)
	}
	return nil
}
