"""The platform's default mentorship protocol and the mentor training, seeded by a migration.

Written for Rung; organisations may write their own protocols. Each training module ends with a
short knowledge check (pass mark 80 %, retries allowed)."""

from typing import Any

DEFAULT_PROTOCOL: dict[str, Any] = {
    "name": "Rung's standard protocol",
    "description": (
        "A kickoff in the first two days, a weekly check-in, a mid-point review and a wrap-up about next steps."
    ),
    "minutes": 30,
    "steps": [
        {
            "kind": "kickoff",
            "title": "Kickoff",
            "agenda": "Meet, agree how you will work together, and read the brief side by side.",
            "prompts": [
                "What do you want to be able to show at the end of this project?",
                "Which part of the brief is least clear to you?",
                "How and when do you prefer to be contacted?",
            ],
        },
        {
            "kind": "weekly",
            "title": "Weekly check-in",
            "agenda": "What went well, what is stuck, and the one thing to do before next week.",
            "prompts": [
                "What did you finish since we last spoke?",
                "Where are you stuck, and what have you tried?",
                "Is the workload what the contract says?",
            ],
        },
        {
            "kind": "midpoint",
            "title": "Mid-point review",
            "agenda": "Look at the work against the rubric before the reviewer does.",
            "prompts": [
                "Which rubric criterion are you least sure about?",
                "What feedback have you had, and what did you do with it?",
            ],
        },
        {
            "kind": "wrapup",
            "title": "Wrap-up and next steps",
            "agenda": "Reflect on the project and talk about what comes next: another project, an interview, a course.",
            "prompts": [
                "What are you proudest of?",
                "What would you do differently?",
                "What is your next step, and how can the employer or Rung help?",
            ],
        },
    ],
}

MODULES: list[dict[str, Any]] = [
    {
        "slug": "the-protocol",
        "title": "The mentorship protocol",
        "summary": "How check-ins are placed, what each one is for, and how to record them.",
        "body": (
            "Every pairing follows a protocol: a kickoff in the first two days, a weekly check-in, a mid-point "
            "review and a wrap-up about next steps. Rung places each check-in inside both people's weekly "
            "availability. Record each one within a day: held (with a shared summary and agreed actions), missed, "
            "or moved to a new time. Private notes are seen by you and your mentee only."
        ),
        "questions": [
            (
                "When should the kickoff happen?",
                ["In the first two days", "At the mid-point", "After the first review"],
                0,
            ),
            (
                "Who can read a check-in's private notes?",
                ["The employer's reviewers", "You and your mentee", "Everyone in the organisation"],
                1,
            ),
            ("How soon should a check-in be recorded?", ["Within a day", "Within a month", "Only at the wrap-up"], 0),
        ],
    },
    {
        "slug": "feedback-with-a-rubric",
        "title": "Feedback with a rubric",
        "summary": "Helping an intern read the rubric before their work is reviewed — without reviewing it yourself.",
        "body": (
            "Reviews use a rubric of criteria and levels. As a mentor you help your mentee understand what each level "
            "asks for and how to get there. You never score, approve or reject your mentee's work: mentoring is kept "
            "apart from assessment, and Rung refuses it."
        ),
        "questions": [
            (
                "May a mentor approve their mentee's milestone?",
                ["Yes, if they are also a reviewer", "No, never", "Only after the deadline"],
                1,
            ),
            (
                "Good feedback is…",
                ["Specific and tied to a criterion", "A score without words", "Given only at the end"],
                0,
            ),
        ],
    },
    {
        "slug": "inclusion-and-bias",
        "title": "Inclusion and bias",
        "summary": "Noticing assumptions, and making room for people whose path differs from yours.",
        "body": (
            "First-generation students, career changers and people returning to work often bring experience that "
            "does not look like a classic CV. Ask, do not assume; judge the work, not the background; and notice "
            "when you find someone 'a good fit' because they resemble you."
        ),
        "questions": [
            ("'A good fit' often means…", ["Proven ability", "Someone like me — a bias to check", "Nothing at all"], 1),
            (
                "When unsure about someone's situation you…",
                ["Ask, respectfully", "Assume the usual", "Avoid the subject"],
                0,
            ),
        ],
    },
    {
        "slug": "safeguarding",
        "title": "Safeguarding and reporting",
        "summary": "What to do when something is wrong, and how to raise a concern.",
        "body": (
            "If you are worried about someone's safety or wellbeing, or about how someone is treated, raise a concern "
            "from the engagement page. Only Rung staff read it; they work it to an outcome and tell you. In an "
            "emergency, contact the emergency services first."
        ),
        "questions": [
            ("Who reads a safeguarding concern?", ["Rung staff only", "The employer", "Every participant"], 0),
            (
                "In an emergency you first…",
                ["Raise a concern in Rung", "Contact the emergency services", "Wait for the next check-in"],
                1,
            ),
        ],
    },
    {
        "slug": "boundaries-and-confidentiality",
        "title": "Boundaries and confidentiality",
        "summary": "Keeping the relationship professional and what you hear private.",
        "body": (
            "Keep contact on agreed channels and times. What your mentee tells you stays between you, unless someone "
            "is at risk — then safeguarding comes first. Declare any conflict of interest (a relative, a friend, a "
            "flatmate) so Rung never pairs you with that person."
        ),
        "questions": [
            (
                "Your mentee is your cousin. You…",
                ["Mentor them anyway", "Declare a conflict of interest", "Tell nobody"],
                1,
            ),
            ("Confidentiality gives way when…", ["Someone is at risk", "The employer asks", "Never"], 0),
        ],
    },
]


def seed(apps: Any, schema_editor: Any) -> None:
    Protocol = apps.get_model("mentoring", "Protocol")
    ProtocolStep = apps.get_model("mentoring", "ProtocolStep")
    TrainingModule = apps.get_model("mentoring", "TrainingModule")
    TrainingQuestion = apps.get_model("mentoring", "TrainingQuestion")
    if not Protocol.objects.filter(organisation__isnull=True).exists():
        protocol = Protocol.objects.create(
            name=DEFAULT_PROTOCOL["name"],
            description=DEFAULT_PROTOCOL["description"],
            minutes=DEFAULT_PROTOCOL["minutes"],
        )
        for order, step in enumerate(DEFAULT_PROTOCOL["steps"]):
            ProtocolStep.objects.create(protocol=protocol, order=order, **step)
    for order, module in enumerate(MODULES):
        if TrainingModule.objects.filter(slug=module["slug"]).exists():
            continue
        row = TrainingModule.objects.create(
            slug=module["slug"], title=module["title"], summary=module["summary"], body=module["body"], order=order
        )
        for q_order, (text, choices, correct) in enumerate(module["questions"]):
            TrainingQuestion.objects.create(module=row, text=text, choices=choices, correct=correct, order=q_order)
