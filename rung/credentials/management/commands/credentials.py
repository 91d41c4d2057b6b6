"""`rung credentials …`: signing keys and known issuers.

rung credentials keys generate     make the first signing key (refuses if there is one)
rung credentials keys rotate       add a new signing key; the old one is retired but kept
rung credentials keys list         show every key, which one signs, and Rung's DID
rung credentials orgs keys generate|rotate|list SLUG   an organisation's issuer keys
rung credentials issuers list      show the outside issuers whose keys Rung trusts
rung credentials issuers add DID --name NAME (--document FILE | --fetch)
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials import issuer, keys, orgissuers, services
from rung.credentials.models import KnownIssuer
from rung.lib.errors import DomainError
from rung.orgs.models import Organisation


class Command(BaseCommand):
    help = "Manage Rung's credential signing keys and the list of known outside issuers."

    def add_arguments(self, parser: CommandParser) -> None:
        groups = parser.add_subparsers(dest="group", required=True, parser_class=ArgumentParser)
        key_parser = groups.add_parser("keys", help="signing keys")
        key_parser.add_argument("action", choices=["generate", "rotate", "list"])
        org_parser = groups.add_parser("orgs", help="organisations' issuer keys")
        org_parser.add_argument("what", choices=["keys"])
        org_parser.add_argument("action", choices=["generate", "rotate", "list"])
        org_parser.add_argument("slug")
        issuer_parser = groups.add_parser("issuers", help="known outside issuers")
        issuer_actions = issuer_parser.add_subparsers(dest="action", required=True, parser_class=ArgumentParser)
        issuer_actions.add_parser("list")
        add = issuer_actions.add_parser("add")
        add.add_argument("issuer_id", help="the issuer's id, e.g. did:web:badges.example.edu")
        add.add_argument("--name", required=True)
        add.add_argument("--staff", required=True, help="e-mail of the staff member vouching for the issuer")
        source = add.add_mutually_exclusive_group(required=True)
        source.add_argument("--document", type=Path, help="a file holding the issuer's DID document")
        source.add_argument("--fetch", action="store_true", help="fetch a did:web's document over HTTPS now")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["group"] == "keys":
                getattr(self, f"keys_{options['action']}")()
            elif options["group"] == "orgs":
                self.org_keys(options["action"], options["slug"])
            else:
                getattr(self, f"issuers_{options['action']}")(options)
        except (keys.KeyStoreError, DomainError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None

    # --- keys -----------------------------------------------------------------------------------

    def keys_generate(self) -> None:
        key = keys.generate_key_file()
        record("credential.key.generated", actor=None, data={"key": key.key_id})
        self.stdout.write(self.style.SUCCESS(f"Made signing key {key.key_id} in {settings.CREDENTIALS_KEY_FILE}."))
        self._describe_issuer()

    def keys_rotate(self) -> None:
        old, new = keys.rotate_key()
        record("credential.key.rotated", actor=None, data={"retired": old.key_id, "active": new.key_id})
        self.stdout.write(self.style.SUCCESS(f"New signing key {new.key_id}; {old.key_id} is retired."))
        self.stdout.write(
            "Credentials signed with the retired key keep verifying: it stays in the DID document."
            + ("" if issuer.uses_did_web() else " With did:key, new credentials are issued under a new DID.")
        )

    def keys_list(self) -> None:
        key_file = keys.read_key_file()
        if key_file is None:
            raise CommandError(f"No key file at {settings.CREDENTIALS_KEY_FILE}. Run `rung credentials keys generate`.")
        for key in key_file.keys:
            state = "active (signs new credentials)" if key.active else f"retired {key.retired}"
            self.stdout.write(f"{key.key_id}  created {key.created}  {state}")
        self._describe_issuer()

    def _describe_issuer(self) -> None:
        did = issuer.issuer_did()
        self.stdout.write(f"Rung issues as {did}.")
        if issuer.uses_did_web():
            self.stdout.write(f"Its DID document is served at {settings.SITE_URL}/.well-known/did.json")

    # --- organisations' issuer keys --------------------------------------------------------------

    def org_keys(self, action: str, slug: str) -> None:
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(f"No organisation {slug!r}.")
        if action == "generate":
            key = orgissuers.generate_org_key(org)
            record("credential.org_key.generated", actor=None, obj=org, data={"key": key.key_id})
            self.stdout.write(self.style.SUCCESS(f"Made signing key {key.key_id} for {org.name}."))
        elif action == "rotate":
            old, new = orgissuers.rotate_org_key(org)
            record(
                "credential.org_key.rotated", actor=None, obj=org, data={"retired": old.key_id, "active": new.key_id}
            )
            self.stdout.write(self.style.SUCCESS(f"New signing key {new.key_id}; {old.key_id} is retired."))
        for entry in orgissuers.list_org_keys(org):
            state = "active (signs new credentials)" if entry["active"] else f"retired {entry['retired']:%Y-%m-%d}"
            self.stdout.write(f"{entry['key_id']}  created {entry['created']:%Y-%m-%d}  {state}")
        if orgissuers.active_key(org) is not None:
            self.stdout.write(f"{org.name} issues as {orgissuers.org_did(org)}.")
            if issuer.uses_did_web():
                self.stdout.write(f"Its DID document is served at {settings.SITE_URL}/orgs/{org.slug}/did.json")
        else:
            self.stdout.write(f"{org.name} has no signing key yet (one is made on its first issue).")

    # --- issuers --------------------------------------------------------------------------------

    def issuers_list(self, options: dict[str, Any]) -> None:
        for known in KnownIssuer.objects.all():
            state = "trusted" if known.active else "not trusted"
            self.stdout.write(f"{known.issuer_id}  {known.name}  {state}, updated {known.updated_at:%Y-%m-%d}")

    def issuers_add(self, options: dict[str, Any]) -> None:
        staff = User.objects.filter(email__iexact=options["staff"], is_staff=True).first()
        if staff is None:
            raise CommandError(f"{options['staff']} is not a Rung staff account.")
        if options["fetch"]:
            document: object = services.fetch_did_document(options["issuer_id"])
        else:
            try:
                document = json.loads(options["document"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read a JSON DID document from {options['document']}: {exc}") from None
        known = services.save_known_issuer(
            actor=staff, issuer_id=options["issuer_id"], name=options["name"], did_document=document
        )
        self.stdout.write(self.style.SUCCESS(f"Rung now trusts the keys of {known}."))
