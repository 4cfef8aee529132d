package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"vivier"
)

// openFileStore opens the store a URL names: file:///var/lib/vivier/files or
// file:relative/dir (one instance) or s3://KEY:SECRET@host:port/bucket?tls=false&region=R
// (S3-compatible object storage, for several instances).
func openFileStore(ctx context.Context, raw string) (vivier.FileStore, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("file store URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		if u.Opaque != "" { // file:relative/dir
			return vivier.NewLocalFiles(u.Opaque)
		}
		return vivier.NewLocalFiles(u.Path)
	case "s3":
		return newS3Files(ctx, u)
	}
	return nil, fmt.Errorf("file store URL: scheme %q is neither file nor s3", u.Scheme)
}

// s3Files is a FileStore in a bucket of an S3-compatible object storage.
type s3Files struct {
	client *minio.Client
	bucket string
}

// newS3Files connects to the bucket named by an s3:// URL and makes it if
// it does not exist.
func newS3Files(ctx context.Context, u *url.URL) (*s3Files, error) {
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
	return &s3Files{client: client, bucket: bucket}, nil
}

// Put uploads the file.
func (s *s3Files) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := vivier.CheckFileKey(key); err != nil {
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
func (s *s3Files) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := vivier.CheckFileKey(key); err != nil {
		return nil, err
	}
	// GetObject is lazy: Stat makes a missing key an error now, not at
	// the first read.
	if _, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, vivier.Errorf(vivier.ENOTFOUND, "Ce fichier n'existe plus.")
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
func (s *s3Files) Delete(ctx context.Context, key string) error {
	if err := vivier.CheckFileKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("file store: delete %s: %w", key, err)
	}
	return nil
}
