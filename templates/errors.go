package templates

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"vivier"
)

// StatusFor maps an error code to its HTTP status: the one place where the
// domain's codes meet HTTP.
func StatusFor(code string) int {
	switch code {
	case vivier.EINVALID:
		return fiber.StatusUnprocessableEntity
	case vivier.EMALFORMED:
		return fiber.StatusBadRequest
	case vivier.ENOTFOUND:
		return fiber.StatusNotFound
	case vivier.ECONFLICT:
		return fiber.StatusConflict
	case vivier.EUNAUTHORIZED:
		return fiber.StatusUnauthorized
	case vivier.EFORBIDDEN:
		return fiber.StatusForbidden
	case vivier.ETOOMANY:
		return fiber.StatusTooManyRequests
	case vivier.ETOOLARGE:
		return fiber.StatusRequestEntityTooLarge
	case vivier.EUNAVAILABLE:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// French messages for errors raised by Fiber itself (no route, body too large).
var fiberMessages = map[int]string{
	fiber.StatusNotFound:              "La page que vous cherchez est introuvable. Elle a peut-être été déplacée ou supprimée.",
	fiber.StatusMethodNotAllowed:      "Cette action n'est pas possible sur cette page.",
	fiber.StatusRequestEntityTooLarge: "Les données envoyées sont trop volumineuses.",
	fiber.StatusTooManyRequests:       "Trop de tentatives en peu de temps. Patientez quelques minutes avant de réessayer.",
	fiber.StatusForbidden:             "Vous n'avez pas accès à cette page.",
	fiber.StatusBadRequest:            "La requête n'est pas valide.",
	fiber.StatusUnauthorized:          "Connectez-vous pour accéder à cette page.",
	fiber.StatusServiceUnavailable:    "Le service est momentanément indisponible. Veuillez réessayer dans quelques instants.",
}

var titles = map[int]string{
	fiber.StatusNotFound:              "Page non trouvée",
	fiber.StatusForbidden:             "Accès refusé",
	fiber.StatusUnauthorized:          "Connexion requise",
	fiber.StatusConflict:              "Conflit",
	fiber.StatusUnprocessableEntity:   "Saisie à corriger",
	fiber.StatusTooManyRequests:       "Trop de tentatives",
	fiber.StatusRequestEntityTooLarge: "Envoi trop volumineux",
	fiber.StatusServiceUnavailable:    "Service indisponible",
	fiber.StatusInternalServerError:   "Erreur inattendue",
}

// ErrorHandler answers every error a handler returns: the status from its
// code, a French page (or JSON under /api/), and a log line for internal
// errors only.
func (r *Renderer) ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status, message := fiber.StatusInternalServerError, vivier.ErrorMessage(err)
		var fe *fiber.Error
		if errors.As(err, &fe) {
			status = fe.Code
			// Fiber's own errors carry English status text: replaced. A
			// message a handler wrote itself is kept.
			message = fe.Message
			if message == utils.StatusMessage(status) {
				message = fiberMessages[status]
			}
			if message == "" {
				message = "La requête n'a pas pu aboutir."
			}
		} else {
			status = StatusFor(vivier.ErrorCode(err))
		}
		if status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed", "err", err, "status", status,
				"method", c.Method(), "path", LogPath(c), "request_id", c.Locals(LocalRequestID))
		}
		if strings.HasPrefix(c.Path(), "/api/") || strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON) {
			code := vivier.ErrorCode(err)
			if fe != nil {
				code = codeFor(status)
			}
			body := fiber.Map{"code": code, "message": message}
			var ve *vivier.Error
			if errors.As(err, &ve) && ve.Field != "" {
				body["champ"] = ve.Field // the request's field at fault, for API clients
			}
			return c.Status(status).JSON(fiber.Map{"error": body})
		}
		title := titles[status]
		if title == "" {
			title = "Erreur"
		}
		if rerr := r.Page(c, status, "error", Map{"Status": status, "Title": title, "Message": message}); rerr != nil {
			log.Error("render error page", "err", rerr)
			return c.Status(status).SendString(message)
		}
		return nil
	}
}

// codeFor is StatusFor backwards, for errors that came from Fiber.
func codeFor(status int) string {
	for _, code := range []string{vivier.EINVALID, vivier.EMALFORMED, vivier.ENOTFOUND, vivier.ECONFLICT, vivier.EUNAUTHORIZED,
		vivier.EFORBIDDEN, vivier.ETOOMANY, vivier.ETOOLARGE, vivier.EUNAVAILABLE} {
		if StatusFor(code) == status {
			return code
		}
	}
	if status < 500 {
		return vivier.EINVALID
	}
	return vivier.EINTERNAL
}
