"""`rung credentials …`: signing keys and known issuers.

rung credentials keys generate     make the first signing key (refuses if there is one)
rung credentials keys import [--file PATH]  copy the key file's keys into the database (still sealed)
rung credentials keys rotate       add a new signing key; the old one is retired but kept
rung credentials keys list         show every key, which one signs, and Rung's DID
rung credentials orgs keys generate|rotate|list SLUG   an organisation's issuer keys
rung credentials issuers list      show the outside issuers whose keys Rung trusts
rung credentials issuers add DID --name NAME (--document FILE | --fetch)
rung credentials issue-cohort FILE --staff EMAIL [--processes N]
                                   issue a cohort's credentials at once (FILE: see cohort_from_json)
"""

import json
import time
from argparse import ArgumentParser
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials import cohort, imports, issuer, keys, orgissuers, services
from rung.credentials.models import KnownIssuer
from rung.lib.errors import DomainError
from rung.orgs.models import Organisation


class Command(BaseCommand):
    help = "Manage Rung's credential signing keys and the list of known outside issuers."

    def add_arguments(self, parser: CommandParser) -> None:
        groups = parser.add_subparsers(dest="group", required=True, parser_class=ArgumentParser)
        key_parser = groups.add_parser("keys", help="signing keys")
        key_parser.add_argument("action", choices=["generate", "rotate", "list", "import"])
        key_parser.add_argument("--file", type=Path, default=None, help="import: the key file (CREDENTIALS_KEY_FILE)")
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
        cohort = groups.add_parser("issue-cohort", help="issue the credentials of a whole cohort at once")
        cohort.add_argument("file", type=Path, help="a JSON file: organisation, achievement and members")
        cohort.add_argument("--staff", required=True, help="e-mail of the staff member issuing them")
        cohort.add_argument("--processes", type=int, default=None, help="signing processes (default: one per core)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["group"] == "keys" and options["action"] == "import":
                self.keys_import(options["file"])
            elif options["group"] == "keys":
                getattr(self, f"keys_{options['action']}")()
            elif options["group"] == "orgs":
                self.org_keys(options["action"], options["slug"])
            elif options["group"] == "issue-cohort":
                self.issue_cohort(options)
            else:
                getattr(self, f"issuers_{options['action']}")(options)
        except (keys.KeyStoreError, DomainError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None

    # --- keys -----------------------------------------------------------------------------------

    def keys_generate(self) -> None:
        key = keys.generate_key_file()
        record("credential.key.generated", actor=None, data={"key": key.key_id})
        self.stdout.write(self.style.SUCCESS(f"Made signing key {key.key_id} {self._where()}."))
        self._describe_issuer()

    def _where(self) -> str:
        return "in the database" if keys.uses_database() else f"in {settings.CREDENTIALS_KEY_FILE}"

    def keys_import(self, path: Path | None) -> None:
        if not keys.uses_database():
            raise CommandError(
                "CREDENTIALS_KEY_STORE is file: the keys are read from the file, there is nothing to import."
            )
        imported = keys.import_key_file(path)
        record("credential.key.imported", actor=None, data={"keys": [k.key_id for k in imported.keys]})
        self.stdout.write(
            self.style.SUCCESS(
                f"The database holds {len(imported.keys)} signing keys from {path or settings.CREDENTIALS_KEY_FILE}; "
                f"{imported.active_key.key_id} signs. Keep the file in your backups until you no longer need it."
            )
        )

    def keys_rotate(self) -> None:
        old, new = keys.rotate_key()
        record("credential.key.rotated", actor=None, data={"retired": old.key_id, "active": new.key_id})
        self.stdout.write(self.style.SUCCESS(f"New signing key {new.key_id}; {old.key_id} is retired."))
        self.stdout.write(
            "Credentials signed with the retired key keep verifying: it stays in the DID document."
            + ("" if issuer.uses_did_web() else " With did:key, new credentials are issued under a new DID.")
        )

    def keys_list(self) -> None:
        key_file = keys.read_keys()
        if key_file is None:
            raise CommandError(f"No signing key {self._where()}. Run `rung credentials keys generate`.")
        self.stdout.write(f"Signing keys {self._where()}:")
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
            document: object = imports.fetch_did_document(options["issuer_id"])
        else:
            try:
                document = json.loads(options["document"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read a JSON DID document from {options['document']}: {exc}") from None
        known = imports.save_known_issuer(
            actor=staff, issuer_id=options["issuer_id"], name=options["name"], did_document=document
        )
        self.stdout.write(self.style.SUCCESS(f"Rung now trusts the keys of {known}."))

    # --- a cohort at once -------------------------------------------------------------------------

    def issue_cohort(self, options: dict[str, Any]) -> None:
        staff = User.objects.filter(email__iexact=options["staff"], is_staff=True).first()
        if staff is None:
            raise CommandError(f"{options['staff']} is not a Rung staff account.")
        if options["processes"] is not None and options["processes"] < 1:
            raise CommandError("--processes must be 1 or more.")
        try:
            raw = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read JSON from {options['file']}: {exc}") from None
        members = cohort_from_json(raw)
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done} of {total} signed and stored ({time.monotonic() - started:.1f} s)")

        result = cohort.issue_cohort(members, issued_by=staff, processes=options["processes"], progress=progress)
        seconds = time.monotonic() - started
        rate = f", {len(result.issued) / seconds:.0f} a second" if result.issued and seconds > 0 else ""
        self.stdout.write(self.style.SUCCESS(f"Issued {len(result.issued)} credentials in {seconds:.1f} s{rate}."))
        if result.already_issued:
            self.stdout.write(f"{len(result.already_issued)} had their credential already (left as they are).")
        for ref, why in result.failed:
            self.stderr.write(f"Not issued: {ref or '(no engagement)'}: {why}")
        if result.failed:
            raise CommandError(f"{len(result.failed)} of the cohort could not be issued (listed above).")


def _field(data: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise CommandError(f"{where}: {name!r} must be a {'text' if kind is str else kind.__name__}.")
    return value


def _day(data: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(_field(data, name, str, "achievement"))
    except ValueError:
        raise CommandError(f"achievement: {name!r} must be a date such as 2026-03-02.") from None


def cohort_from_json(raw: object) -> list[cohort.CohortMember]:
    """The cohort a file describes; refuses with a message naming the first thing that is wrong.

    {"organisation": "acme",                       the employer, as the achievement's creator
     "achievement": {"name": …, "description": …, "activity_start": "2026-03-02",
                     "activity_end": "2026-03-13", "hours": 40, "skills": ["SQL"],
                     "deliverables": ["…"], "ref": "cohort:spring-2026"},
     "members": [{"email": "dana@example.org", "engagement_ref": "cohort:spring-2026:dana"}, …]}
    """
    if not isinstance(raw, dict):
        raise CommandError("The file must hold a JSON object.")
    slug = _field(raw, "organisation", str, "the file")
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(f"No organisation {slug!r}.")
    spec = _field(raw, "achievement", dict, "the file")
    try:
        hours = Decimal(str(spec.get("hours")))
    except InvalidOperation:
        raise CommandError("achievement: 'hours' must be a number.") from None
    skills = spec.get("skills", [])
    deliverables = spec.get("deliverables", [])
    if not isinstance(skills, list) or not all(isinstance(x, str) for x in skills):
        raise CommandError("achievement: 'skills' must be a list of names.")
    if not isinstance(deliverables, list) or not all(isinstance(x, str) for x in deliverables):
        raise CommandError("achievement: 'deliverables' must be a list of texts.")
    achievement = services.AchievementInput(
        name=_field(spec, "name", str, "achievement"),
        description=_field(spec, "description", str, "achievement"),
        creator=org,
        activity_start=_day(spec, "activity_start"),
        activity_end=_day(spec, "activity_end"),
        hours=hours,
        deliverables=deliverables,
        skills=[services.SkillInput(name) for name in skills],
        achievement_ref=str(spec.get("ref") or ""),
    )
    entries = _field(raw, "members", list, "the file")
    emails = [e.get("email") for e in entries if isinstance(e, dict)]
    users = {u.email.lower(): u for u in User.objects.filter(email__in=[e for e in emails if isinstance(e, str)])}
    members = []
    for number, entry in enumerate(entries, start=1):
        where = f"member {number}"
        if not isinstance(entry, dict):
            raise CommandError(f"{where} must be a JSON object.")
        email = _field(entry, "email", str, where)
        user = users.get(email.lower())
        if user is None:
            raise CommandError(f"{where}: no account has the e-mail {email}.")
        members.append(cohort.CohortMember(user, achievement, _field(entry, "engagement_ref", str, where)))
    return members
