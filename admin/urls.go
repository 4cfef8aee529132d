package admin

import (
	"strconv"

	"vivier"
)

// The back office's addresses, built here rather than by hand in each
// handler, so that a route's path and the links to it read alike.

// admURL is the back office of adm, followed by path ("/offres").
func admURL(adm *vivier.Administration, path string) string {
	return slugURL(adm.Slug, path)
}

// slugURL is admURL for an administration known by its slug only.
func slugURL(slug, path string) string { return "/admin/" + slug + path }

func offerURL(adm *vivier.Administration, id int64) string {
	return admURL(adm, "/offres/"+strconv.FormatInt(id, 10))
}

// offerApplicationsURL is an offer's pipeline.
func offerApplicationsURL(adm *vivier.Administration, id int64) string {
	return offerURL(adm, id) + "/candidatures"
}

func applicationURL(adm *vivier.Administration, id int64) string {
	return admURL(adm, "/candidatures/"+strconv.FormatInt(id, 10))
}

func brandURL(adm *vivier.Administration) string { return admURL(adm, "/marque") }

// platformURL is a page of the platform's administration ("administrations").
func platformURL(page string) string { return "/admin/plateforme/" + page }

// accountURL is a page of the agent's own account ("sessions").
func accountURL(page string) string { return "/admin/compte/" + page }

const signInURL = "/admin/connexion"
