"""The recognition pages, for the people they are for and for those who must not see them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rung.credentials.models import IssuedCredential
from rung.profiles.models import CandidateProfile
from rung.recognition import services
from rung.recognition.models import Endorsement, PanelScore


def signed(endorsement: Endorsement) -> IssuedCredential:
    assert endorsement.credential is not None
    return endorsement.credential


STATEMENT = "Careful, clear work on a messy data set; explained every choice."
WHY = "Rebuilt the survey pipeline alone in a week and wrote docs the whole team now uses."


def test_a_reviewer_endorses_from_the_page(client_for, credential, bob, charlie, completed) -> None:
    url = f"/recognition/endorse/{completed.uuid}/"
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(charlie).post(url, {"what": "credential", "credential-statement": STATEMENT}).status_code == 404
    page = client_for(bob).get(url)
    assert page.status_code == 200
    assert "Endorse Nia Candidate" in page.content.decode()
    answer = client_for(bob).post(url, {"what": "credential", "credential-statement": STATEMENT})
    assert answer.status_code == 302
    assert Endorsement.objects.get().endorser == bob


def test_the_credential_page_shows_endorsements_until_the_intern_hides_one(client_for, client, credential, bob) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    public = f"/verify/{credential.uuid}/"
    assert STATEMENT in client.get(public).content.decode()
    intern = client_for(credential.recipient)
    assert STATEMENT in intern.get(f"/wallet/{credential.uuid}/").content.decode()
    assert (
        client_for(bob).post(f"/recognition/endorsements/{endorsement.uuid}/hide/", {"hidden": "on"}).status_code == 302
    )
    assert STATEMENT in client.get(public).content.decode()  # the endorser cannot hide it
    assert intern.post(f"/recognition/endorsements/{endorsement.uuid}/hide/", {"hidden": "on"}).status_code == 302
    assert STATEMENT not in client.get(public).content.decode()
    # The endorsement itself stays verifiable on its own page.
    assert client.get(f"/verify/{signed(endorsement).uuid}/").status_code == 200


def test_strangers_cannot_touch_an_endorsement(client_for, credential, bob, charlie) -> None:
    endorsement = services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    charlie_client = client_for(charlie)
    assert (
        charlie_client.post(f"/recognition/endorsements/{endorsement.uuid}/hide/", {"hidden": "on"}).status_code == 404
    )
    assert (
        charlie_client.post(
            f"/recognition/endorsements/{endorsement.uuid}/withdraw/", {"reason": "Because"}
        ).status_code
        == 404
    )
    endorsement.refresh_from_db()
    assert endorsement.status == "active"
    assert not endorsement.hidden


def test_the_home_page_lists_received_endorsements(client_for, credential, bob) -> None:
    services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    page = client_for(credential.recipient).get("/recognition/")
    assert page.status_code == 200
    assert "Bob Reviewer" in page.content.decode()


def _scoring(open_round, cohort, alice):
    services.nominate(open_round, nominator=cohort[1].candidate, nominee=cohort[0].candidate, statement="Ines " + WHY)
    services.close_nominations(open_round, actor=alice)
    open_round.refresh_from_db()
    return open_round


def test_the_panel_page_is_blind(client_for, open_round, cohort, alice, bob) -> None:
    CandidateProfile.objects.update_or_create(user=cohort[0].candidate, defaults={"institution": "University of Leeds"})
    nomination_round = _scoring(open_round, cohort, alice)
    page = client_for(bob).get(f"/recognition/rounds/{nomination_round.uuid}/panel/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nominee A" in html
    assert "the nominee rebuilt" in html.lower()
    for word in ("Ines", "Ortega", "Leeds", "ines@uni.example"):
        assert word not in html
    # The organiser's page names them (results are decided there, not scored).
    assert "Ines Ortega" in client_for(alice).get(f"/recognition/rounds/{nomination_round.uuid}/").content.decode()


def test_only_panelists_see_the_panel(client_for, open_round, cohort, alice, charlie) -> None:
    nomination_round = _scoring(open_round, cohort, alice)
    url = f"/recognition/rounds/{nomination_round.uuid}/panel/"
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(cohort[1].candidate).get(url).status_code == 404  # a nominator
    assert client_for(charlie).get(f"/recognition/rounds/{nomination_round.uuid}/").status_code == 404


def test_a_panelist_scores_from_the_page(client_for, open_round, cohort, alice, bob, charlie) -> None:
    nomination_round = _scoring(open_round, cohort, alice)
    nomination = nomination_round.nominations.get()
    data = {f"level-{c.pk}": "3" for c in nomination_round.criteria.all()}
    assert client_for(charlie).post(f"/recognition/nominations/{nomination.uuid}/score/", data).status_code == 404
    assert not PanelScore.objects.exists()
    answer = client_for(bob).post(f"/recognition/nominations/{nomination.uuid}/score/", data)
    assert answer.status_code == 302
    assert PanelScore.objects.get().points == 9  # 3×1 + 3×2


def test_nominating_from_the_round_page(client_for, open_round, cohort, charlie) -> None:
    url = f"/recognition/rounds/{open_round.uuid}/"
    data = {"nominee": str(cohort[0].candidate.uuid), "statement": WHY, "evidence_links": "", "conflict_note": ""}
    assert client_for(charlie).post(url, data).status_code == 404
    answer = client_for(cohort[1].candidate).post(url, data)
    assert answer.status_code == 302
    assert open_round.nominations.count() == 1


def test_the_panel_page_costs_the_same_for_more_nominations(client_for, open_round, cohort, alice, bob, pat) -> None:
    services.nominate(open_round, nominator=cohort[1].candidate, nominee=cohort[0].candidate, statement=WHY)
    services.close_nominations(open_round, actor=alice)
    open_round.refresh_from_db()
    levels = {c.pk: 2 for c in open_round.criteria.all()}
    services.score_nomination(open_round.nominations.get(), panelist=pat, levels=levels)
    client = client_for(bob)
    url = f"/recognition/rounds/{open_round.uuid}/panel/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    from rung.recognition.models import Nomination

    # Two more nominations, straight into the table (the window is closed), each scored by pat.
    for nominator, nominee in ((cohort[0], cohort[2]), (cohort[2], cohort[1])):
        Nomination.objects.create(
            round=open_round, nominee=nominee.candidate, nominator=nominator.candidate, capacity="intern", statement=WHY
        )
    for nomination in open_round.nominations.exclude(scores__panelist=pat):
        services.score_nomination(nomination, panelist=pat, levels=levels)
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three) == len(one)


def test_the_home_page_costs_the_same_for_more_endorsements(client_for, credential, bob, alice, maya) -> None:
    client = client_for(credential.recipient)
    services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)
    client.get("/recognition/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/recognition/").status_code == 200
    for person in (alice, maya):
        services.endorse_credential(endorser=person, credential=credential, statement=STATEMENT)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/recognition/")
    assert page.content.decode().count("<blockquote>") == 3
    assert len(three) == len(one)


def test_an_owner_drafts_a_round_from_the_page(client_for, alice, bob, charlie, cohort) -> None:
    from rung.recognition.models import NominationRound

    owner = client_for(alice)
    assert "New round for Acme Analytics" in owner.get("/recognition/").content.decode()
    assert client_for(charlie).get("/recognition/rounds/new/?org=acme").status_code == 404
    assert client_for(charlie).get("/recognition/rounds/new/").status_code == 404  # not staff
    data = {
        "title": "Outstanding micro-intern, spring round",
        "cohort_kind": "organisation",
        "opens_at": "2026-03-01T09:00",
        "closes_at": "2026-03-15T17:00",
        "criteria": "Quality of work | Accurate and finished\nInitiative | | 2",
        "levels": "Emerging, Solid, Strong, Outstanding",
        "spread": "20",
        "winners_count": "1",
    }
    refused = client_for(bob).post("/recognition/rounds/new/?org=acme", data)
    assert refused.status_code == 400  # a reviewer does not run rounds
    assert not NominationRound.objects.exists()
    bad = owner.post("/recognition/rounds/new/?org=acme", {**data, "criteria": "Initiative | | heavy"})
    assert bad.status_code == 400
    assert "is not a weight" in bad.content.decode()
    made = owner.post("/recognition/rounds/new/?org=acme", data)
    assert made.status_code == 302
    created = NominationRound.objects.get()
    assert [(c.name, c.weight) for c in created.criteria.all()] == [("Quality of work", 1), ("Initiative", 2)]
    page = owner.get(f"/recognition/rounds/{created.uuid}/")
    assert page.status_code == 200
    assert "Open for nominations" in page.content.decode()


def test_only_organisers_run_the_round_from_its_page(client_for, draft_round, alice, bob, charlie) -> None:
    url = f"/recognition/rounds/{draft_round.uuid}/open/"
    assert client_for(charlie).post(url).status_code == 404
    assert client_for(bob).post(url).status_code == 404  # a panelist, not an organiser
    draft_round.refresh_from_db()
    assert draft_round.status == "draft"
    assert client_for(alice).post(url).status_code == 302
    draft_round.refresh_from_db()
    assert draft_round.status == "open"
    # A move the table refuses is told, not a 500.
    again = client_for(alice).post(url, follow=True)
    assert again.status_code == 200
    assert "cannot move" in again.content.decode()


def test_an_organiser_publishes_results_from_the_page(client_for, open_round, cohort, alice, bob, pat) -> None:
    nomination = services.nominate(
        open_round, nominator=cohort[1].candidate, nominee=cohort[0].candidate, statement=WHY
    )
    services.close_nominations(open_round, actor=alice)
    levels = {c.pk: 3 for c in open_round.criteria.all()}
    for panelist in (bob, pat):
        services.score_nomination(nomination, panelist=panelist, levels=levels)
    url = f"/recognition/rounds/{open_round.uuid}/finalise/"
    data = {"winner": [str(nomination.uuid)], f"reason-{nomination.uuid}": "Rebuilt the pipeline for everyone."}
    assert client_for(bob).post(url, data).status_code == 404
    assert client_for(alice).post(url, data).status_code == 302
    nomination.refresh_from_db()
    assert nomination.outcome == "winner"
    assert nomination.award is not None
