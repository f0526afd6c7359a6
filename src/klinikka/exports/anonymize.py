"""The anonymised variant: a clinic with no person's name or organisation anywhere."""

from __future__ import annotations

from klinikka.document import DocClinic


def anonymize_clinic(clinic: DocClinic) -> DocClinic:
    """The clinic without names and organisations: participants keep only their group.

    Voters become "1", "2", … in the order they voted; the activity log, whose sentences name
    people, is left out; so are file names an idea was imported from.
    """
    participants = [
        person.model_copy(update={"name": str(index), "organisation": ""})
        for index, person in enumerate(clinic.participants, start=1)
    ]
    ideas = [
        idea.model_copy(
            update={
                "author": "",
                "participant": None,
                "provenance": idea.provenance.model_copy(
                    update={"original_author": None, "file": None}
                ),
            }
        )
        for idea in clinic.ideas
    ]
    rounds = [
        voting_round.model_copy(
            update={
                "ballots": [
                    ballot.model_copy(update={"voter": str(index), "participant": None})
                    for index, ballot in enumerate(voting_round.ballots, start=1)
                ]
            }
        )
        for voting_round in clinic.rounds
    ]
    return clinic.model_copy(
        update={
            "facilitator": "",
            "note_taker": "",
            "participants": participants,
            "ideas": ideas,
            "rounds": rounds,
            "activity": [],
        }
    )
