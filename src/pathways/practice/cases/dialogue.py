"""The frustrated-patient dialogues: each turn's options, with what each one shows.

Each option is (text, severity or None for the best reply, competency, why). A reply that discloses another
patient's information, or offers to waive what a patient owes, is critical whatever its tone.
"""

Option = tuple[str, str | None, str, str]
Turn = tuple[str, list[Option]]

DIALOGUES: dict[str, tuple[str, list[Turn]]] = {
    "long-wait": (
        "{name} has waited fifty minutes past their appointment for a fasting blood draw and comes to the "
        "desk.",
        [
            (
                "I've been sitting here for fifty minutes! I haven't eaten since last night and nobody "
                "tells me anything.",
                [
                    (
                        "I'm sorry you've been waiting this long without eating, and you're right that no "
                        "one updated you. Let me check exactly where you are in the line.",
                        None,
                        "listening",
                        "Acknowledges the feeling and the fact, then acts.",
                    ),
                    (
                        "Everyone is waiting today; we're very busy.",
                        "minor",
                        "listening",
                        "True, but it tells the patient their experience does not count.",
                    ),
                    (
                        "There's no need to raise your voice at me.",
                        "major",
                        "composure",
                        "Meets frustration with confrontation.",
                    ),
                    (
                        "The man ahead of you is having a difficult draw for his chemotherapy labs; that's "
                        "the hold-up.",
                        "critical",
                        "privacy-compliance",
                        "Discloses another patient's health information.",
                    ),
                ],
            ),
            (
                "So how much longer? I have to get to work.",
                [
                    (
                        "You're second in line, so about ten minutes. If you need to leave, I'll note your "
                        "order so you can come back any time before noon without waiting again; keep "
                        "fasting until then.",
                        None,
                        "informing",
                        "Specific, honest, and gives a way forward.",
                    ),
                    (
                        "Shouldn't be too long now.",
                        "minor",
                        "informing",
                        "Vague; the patient cannot plan with it.",
                    ),
                    ("I can't tell you that.", "major", "informing", "Withholds information the desk has."),
                    (
                        "You could try coming back another day.",
                        "minor",
                        "informing",
                        "Unhelpful without details.",
                    ),
                ],
            ),
            (
                "This place is a joke. I'm going to complain.",
                [
                    (
                        "You have every right to. Here is how to reach our patient feedback line, and I'll "
                        "tell my site lead about today's wait too.",
                        None,
                        "composure",
                        "Stays steady and helps them be heard.",
                    ),
                    (
                        "Go ahead, it won't change anything.",
                        "major",
                        "composure",
                        "Dismissive and provoking.",
                    ),
                    ("Okay.", "minor", "listening", "Passive; the concern is not acknowledged."),
                    (
                        "Complaining won't make the line move faster.",
                        "major",
                        "composure",
                        "Argues with the patient.",
                    ),
                ],
            ),
        ],
    ),
    "surprise-bill": (
        "{name} is told at checkout that $180.00 is due toward the deductible.",
        [
            (
                "A hundred and eighty dollars? My insurance covers this! You people always overcharge.",
                [
                    (
                        "I can hear this is a surprise, and I want it to be right. Let me show you what "
                        "your plan told us when we checked your coverage this morning.",
                        None,
                        "listening",
                        "Acknowledges, stays calm, moves to the facts.",
                    ),
                    (
                        "That's not my problem; the system says you owe it.",
                        "major",
                        "composure",
                        "Defensive.",
                    ),
                    (
                        "Everyone's deductible resets in January.",
                        "minor",
                        "listening",
                        "Answers a different question.",
                    ),
                    (
                        "Let me just waive it for you this time.",
                        "critical",
                        "decision-quality",
                        "Waiving what a patient owes outside policy is a billing compliance breach.",
                    ),
                ],
            ),
            (
                "So why do I have to pay anything if I have insurance?",
                [
                    (
                        "Your plan has a yearly deductible and $180.00 of it is not met yet. Until it is, "
                        "you pay the plan's agreed price for visits; after that your plan starts sharing "
                        "the cost.",
                        None,
                        "informing",
                        "Plain words, the patient's own numbers.",
                    ),
                    ("It's how insurance works.", "minor", "informing", "Explains nothing."),
                    (
                        "You'd have to ask your insurance; I don't know.",
                        "major",
                        "informing",
                        "The desk has the answer and should give it.",
                    ),
                    (
                        "Deductibles are complicated, don't worry about it.",
                        "minor",
                        "informing",
                        "Condescending.",
                    ),
                ],
            ),
            (
                "I can't pay all of that today.",
                [
                    (
                        "I understand. You can pay part today and we can set up a payment plan for the "
                        "rest; let me show you what that looks like.",
                        None,
                        "informing",
                        "Offers the options that exist.",
                    ),
                    (
                        "Then we'll have to cancel your visit.",
                        "major",
                        "composure",
                        "Threatens instead of helping.",
                    ),
                    (
                        "You'll get a bill then.",
                        "minor",
                        "informing",
                        "Correct but leaves the patient guessing.",
                    ),
                    (
                        "Can you ask someone to lend it to you?",
                        "major",
                        "composure",
                        "Intrusive and unhelpful.",
                    ),
                ],
            ),
        ],
    ),
    "recollection": (
        "{name} is called because yesterday's sample could not be used and must be drawn again.",
        [
            (
                "You want me to come back AGAIN? I already got stuck once. This is ridiculous.",
                [
                    (
                        "I'm really sorry. Being asked back after a needle stick is frustrating. It's on "
                        "us, not you, and I'll make it as easy as I can.",
                        None,
                        "composure",
                        "Owns it calmly and empathises.",
                    ),
                    (
                        "It happens, it's not a big deal.",
                        "major",
                        "composure",
                        "Minimises the patient's experience.",
                    ),
                    ("The lab rejected it, not me.", "minor", "composure", "Deflects blame."),
                    (
                        "The new phlebotomist probably messed it up; she's always having trouble.",
                        "major",
                        "composure",
                        "Blames a coworker in front of a patient.",
                    ),
                ],
            ),
            (
                "Why was it no good?",
                [
                    (
                        "Some red cells broke open on the way to the lab (hemolysis), which can throw off "
                        "results like potassium. Drawing again gives your doctor a result they can trust.",
                        None,
                        "informing",
                        "Honest and understandable.",
                    ),
                    ("There was a problem with it.", "minor", "informing", "Too vague to reassure."),
                    (
                        "I'm not allowed to tell you that.",
                        "major",
                        "informing",
                        "Untrue; patients may know why.",
                    ),
                    ("Something technical; you wouldn't understand.", "major", "informing", "Condescending."),
                ],
            ),
            (
                "Fine. When can I come?",
                [
                    (
                        "Any time we're open, no appointment needed: I'll flag your order so you go "
                        "straight to the front. Would tomorrow morning work?",
                        None,
                        "informing",
                        "Makes the return easy.",
                    ),
                    ("Whenever.", "minor", "informing", "No help planning."),
                    (
                        "Call the number on the website to book.",
                        "minor",
                        "informing",
                        "Pushes work back to them.",
                    ),
                    (
                        "Come back tomorrow at 7 and wait in line like everyone else.",
                        "major",
                        "composure",
                        "Punishes the patient for the lab's problem.",
                    ),
                ],
            ),
        ],
    ),
}
REACTIONS = {
    None: "The patient takes a breath and nods.",
    "minor": "The patient sighs, not really satisfied.",
    "major": "The patient gets louder and more upset.",
    "critical": "The patient looks at you, surprised at what you just said.",
}
