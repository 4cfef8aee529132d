// Command image builds Vivier's OCI image without a container engine: a
// static binary (CGO_ENABLED=0) with its templates, static assets, migrations
// and time zone data embedded, the host's CA bundle, and nothing else — no
// shell, no package manager. It runs as user 65532, with the binary as its
// entrypoint and `serve` as its default command.
//
// The result is a docker-archive tarball (`make image` writes
// .local/vivier-image.tar): `docker load -i`, `podman load -i`,
// `skopeo copy docker-archive:FILE docker://REGISTRY/vivier:TAG` or
// `crane push FILE REGISTRY/vivier:TAG` take it as it is.
//
// Why not ko: ko puts the binary on a base image pulled from a registry,
// which a build machine with no registry access cannot do. An image of one
// static binary needs no base: go-containerregistry assembles its layers.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := Options{}
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Output, "o", ".local/vivier-image.tar", "the docker-archive tarball to write")
	fs.StringVar(&o.Tag, "tag", "vivier:latest", "the image's name in the tarball (what `docker load` tags it)")
	fs.StringVar(&o.Package, "pkg", "vivier/cmd/vivier", "the main package to build")
	fs.StringVar(&o.CABundle, "ca", "/etc/ssl/certs/ca-certificates.crt", "the CA bundle copied into the image")
	fs.StringVar(&o.Arch, "arch", runtime.GOARCH, "GOARCH of the image (the OS is linux)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return 2
	}
	img, err := Build(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "image:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s (linux/%s, image id %s)\nload it with: docker load -i %s   or   podman load -i %s\n",
		o.Output, o.Tag, o.Arch, img.ID, o.Output, o.Output)
	return 0
}
