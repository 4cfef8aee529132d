package vivier

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers the WebP decoder with image.Decode
)

// Image is an uploaded picture after processing: decoded, resized and
// re-encoded, which drops whatever metadata (location, camera) it carried.
// It is known by the SHA-256 of its bytes.
type Image struct {
	SHA256      string `db:"sha256"`
	ContentType string `db:"content_type"`
	Width       int    `db:"width"`
	Height      int    `db:"height"`
	Data        []byte `db:"data"`
}

// Ext returns the file extension of the image's URL.
func (i *Image) Ext() string {
	if i.ContentType == "image/png" {
		return "png"
	}
	return "jpg"
}

// Limits of uploaded images.
const (
	MaxImageBytes  = 5 << 20 // what an agent may send
	maxImagePixels = 40e6    // decoded size, against images that unpack into gigabytes
	ImageWidth     = 1600    // widest stored image
	LogoWidth      = 400     // widest stored logo
)

// ProcessImage reads an uploaded image, checks it by its content (not by its
// name or declared type: JPEG, PNG or WebP), shrinks it to maxWidth and
// re-encodes it: JPEG when opaque, PNG when it has transparency.
func ProcessImage(r io.Reader, maxWidth int) (*Image, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxImageBytes {
		return nil, FieldError("image", "L'image dépasse 5 Mo : réduisez-la avant de l'envoyer.")
	}
	notImage := FieldError("image", "Ce fichier n'est pas une image JPEG, PNG ou WebP lisible.")
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png" && format != "webp") {
		return nil, notImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || float64(cfg.Width)*float64(cfg.Height) > maxImagePixels {
		return nil, FieldError("image", "L'image est trop grande (40 millions de pixels au plus).")
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, notImage
	}
	dst := src
	if b := src.Bounds(); b.Dx() > maxWidth {
		h := max(1, b.Dy()*maxWidth/b.Dx())
		scaled := image.NewRGBA(image.Rect(0, 0, maxWidth, h))
		draw.CatmullRom.Scale(scaled, scaled.Bounds(), src, b, draw.Src, nil)
		dst = scaled
	}
	var out bytes.Buffer
	img := &Image{Width: dst.Bounds().Dx(), Height: dst.Bounds().Dy()}
	if o, ok := dst.(interface{ Opaque() bool }); ok && !o.Opaque() {
		img.ContentType = "image/png"
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, dst)
	} else {
		img.ContentType = "image/jpeg"
		err = jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return nil, err
	}
	img.Data = out.Bytes()
	sum := sha256.Sum256(img.Data)
	img.SHA256 = hex.EncodeToString(sum[:])
	return img, nil
}
