package main

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// entry is one file or folder of a layer; a nil body is a folder.
type entry struct {
	path string
	mode int64
	uid  int
	body []byte
}

// systemLayer is what a program expects of a Linux system beyond its
// binary: the accounts (so that tools show a name for UID), the resolver's
// order, the CA bundle for outgoing TLS (SMTP, S3, CSP, ProConnect), a
// writable /tmp (large multipart uploads spill there) and the data folder,
// owned by the user the image runs as.
func systemLayer(ca []byte, mtime time.Time) (v1.Layer, error) {
	return layer(mtime, []entry{
		{path: "etc/", mode: 0o755},
		{path: "etc/group", mode: 0o644, body: []byte("root:x:0:\nnonroot:x:65532:\n")},
		{path: "etc/nsswitch.conf", mode: 0o644, body: []byte("hosts: files dns\n")},
		{path: "etc/passwd", mode: 0o644, body: []byte(
			"root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{path: "etc/ssl/", mode: 0o755},
		{path: "etc/ssl/certs/", mode: 0o755},
		{path: strings.TrimPrefix(CAPath, "/"), mode: 0o644, body: ca},
		{path: "home/", mode: 0o755},
		{path: "home/nonroot/", mode: 0o700, uid: UID},
		{path: "tmp/", mode: 0o1777},
		{path: "var/", mode: 0o755},
		{path: "var/lib/", mode: 0o755},
		{path: strings.TrimPrefix(DataDir, "/") + "/", mode: 0o750, uid: UID},
	})
}

// binaryLayer is the program alone: a new version changes this layer only.
func binaryLayer(binary []byte, mtime time.Time) (v1.Layer, error) {
	dir := strings.TrimPrefix(BinaryPath[:strings.LastIndex(BinaryPath, "/")], "/")
	return layer(mtime, []entry{
		{path: "usr/", mode: 0o755},
		{path: "usr/local/", mode: 0o755},
		{path: dir + "/", mode: 0o755},
		{path: strings.TrimPrefix(BinaryPath, "/"), mode: 0o755, body: binary},
	})
}

// layer writes entries, in their order, with one modification time and no
// host user names, so that the same inputs give the same digest.
func layer(mtime time.Time, entries []entry) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.path, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: mtime, Format: tar.FormatPAX}
		if e.body == nil {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
}
