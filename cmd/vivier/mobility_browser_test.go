package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The mobility space in a browser, with an axe scan of each page: a
// reserved offer's page, the sign-in page, the emailed link's page, the space before and after the
// profile, the profile form (refused, then saved), and the recruiter's
// search and profile page.
func TestMobilitySpaceInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	open := publishOffer(t, p, "MOB-B1", "Gestionnaire des ressources humaines")
	reserved := publishOffer(t, p, "MOB-B2", "Chargée de mission mobilité")
	p.Store().DB().MustExec(`UPDATE offers SET open_to_internal = true WHERE id IN ($1, $2)`, open.ID, reserved.ID)
	p.Store().DB().MustExec(`UPDATE offers SET reserved_to_agents = true WHERE id = $1`, reserved.ID)
	ctx, console := browser(t)
	step := func(label string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		started(t, ctx)
		axeCheck(t, ctx, label)
	}
	step("reserved offer's page", chromedp.Navigate(p.URL+"/offres/"+itoa(reserved.ID)),
		chromedp.WaitVisible(`//p[contains(., "Offre réservée aux agents publics")]`))
	step("sign-in page", chromedp.Navigate(p.URL+"/mobilite"), chromedp.WaitVisible(`//h1[contains(., "Espace mobilité des agents publics")]`))
	step("sign-in page with an error", chromedp.SendKeys(`#email`, "pas une adresse"), submitting(`//button[contains(., "Recevoir mon lien")]`),
		chromedp.WaitVisible(`#email-error`))
	step("link sent", chromedp.SetValue(`#email`, "ines.moreau@culture.gouv.fr"), submitting(`//button[contains(., "Recevoir mon lien")]`),
		chromedp.WaitVisible(`//p[contains(., "vient d'être envoyé")]`))
	link := mobilityLinkRE.FindString(p.SMTP.Wait(t, 1, 30*time.Second)[0].Text)
	step("link page", chromedp.Navigate(p.URL+link), chromedp.WaitVisible(`//button[contains(., "Me connecter")]`))
	step("space without a profile", submitting(`//button[contains(., "Me connecter")]`),
		chromedp.WaitVisible(`//h1[contains(., "Mon espace mobilité")]`), chromedp.WaitVisible(`//p[contains(., "Réservée aux agents publics")]`))
	step("profile form", chromedp.Navigate(p.URL+"/mobilite/profil"), chromedp.WaitVisible(`//h1[contains(., "Mon profil de compétences")]`))
	step("profile form refused", submitting(`//button[contains(., "Enregistrer mon profil")]`), chromedp.WaitVisible(`#first_name-error`))
	step("space with a profile", chromedp.SendKeys(`#first_name`, "Inès"), chromedp.SendKeys(`#last_name`, "Moreau"),
		press(`label[for="visibility-all"]`), press(`label[for="region-84"]`),
		submitting(`//button[contains(., "Enregistrer mon profil")]`), chromedp.WaitVisible(`//p[contains(., "Votre profil est enregistré")]`))

	step("recruiter's profile search", chromedp.Steps(signInActions(p, "recruteur@ville-demo.vivier.test")...),
		chromedp.Navigate(p.URL+"/admin/ville-demo/mobilite/profils"), chromedp.WaitVisible(`//a[contains(., "Inès Moreau")]`))
	step("recruiter's profile page", chromedp.Click(`//a[contains(., "Inès Moreau")]`),
		chromedp.WaitVisible(`//h2[contains(., "Inviter à postuler")]`))
	noConsoleErrors(t, console)
}
