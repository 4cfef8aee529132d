package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"vivier"
)

// apiToken runs `vivier api-token create --administration SLUG --scope
// read|write [--name NAME]`: a token for an HR system, made by whoever
// runs the program (an operator setting up an integration), and logged.
func (m *Main) apiToken(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errUsage
	}
	fs := flag.NewFlagSet("api-token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	slug := fs.String("administration", "", "")
	scope := fs.String("scope", string(vivier.ScopeRead), "")
	name := fs.String("name", "Ligne de commande", "")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 || *slug == "" {
		return errUsage
	}
	s, err := vivier.ParseAPIScope(*scope)
	if err != nil {
		return errors.New("--scope vaut read ou write")
	}
	if err := m.open(ctx); err != nil {
		return err
	}
	adm, err := m.store.AdministrationBySlug(ctx, *slug)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return fmt.Errorf("aucune administration ne porte l'identifiant « %s »", *slug)
	}
	if err != nil {
		return err
	}
	tok, secret, err := m.store.CreateAPIToken(ctx, adm.ID, *name, s, vivier.Actor{Email: "ligne de commande"})
	if err != nil {
		return errors.New(vivier.ErrorMessage(err))
	}
	fmt.Fprintf(m.Out, "%s\n", secret)
	m.Log.Info("API token created", "administration", adm.Slug, "token_id", tok.ID, "scope", tok.Scope, "prefix", tok.Prefix)
	return nil
}
