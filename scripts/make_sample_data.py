"""Build the sample clinics in sample_data/ through klinikka's own services.

    .venv/bin/python scripts/make_sample_data.py

Each clinic is played through the services into a temporary database, exported as a klinikka
document, and then given fixed, plausible times and uids (the services stamp the real "now"
and random uids), so running the script again writes byte-identical files.
"""

from __future__ import annotations

import itertools
import tempfile
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from klinikka.db import open_database
from klinikka.document import DocActivity, DocProvenance, Document
from klinikka.exports.json_export import render_json
from klinikka.i18n import NP_
from klinikka.models import IdeaSource, VotingMethod
from klinikka.services import clinics, ideas, notes, participants, themes, voting
from klinikka.services._base import set_actor, summary_json
from klinikka.services.transfer import export_document

OUT = Path(__file__).resolve().parent.parent / "sample_data"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://klinikka.invalid/sample-data")
# Who did what in the activity log: the two laptops of a clinic.
FACILITATOR, NOTE_TAKER = "facilitator-laptop", "note-taker-laptop"
# The default groups in Finnish (create_clinic names them through the fi catalog, not filled yet).
GROUP_NAMES = {
    "resident": "Asukas tai asiakas",
    "professional": "Ammattilainen",
    "company": "Yritys",
    "ngo": "Järjestö",
    "research": "Tutkimus ja koulutus",
    "public_admin": "Julkishallinto",
    "other": "Muu",
}
PADLET_FILE = "padlet-ehdotukset.csv"


class Timeline:
    """Calls services as if at given local times and remembers when each thing happened."""

    def __init__(self, engine: Any, utc_offset_hours: int) -> None:
        self.engine = engine
        self.tz = timezone(timedelta(hours=utc_offset_hours))
        self.day = ""
        self.now = datetime.min.replace(tzinfo=UTC)
        self.log: list[tuple[datetime, str]] = []  # (time, tag) of each activity entry, in order
        self.when: dict[tuple[str, int], datetime] = {}  # ("idea", id) and the like -> time
        self.provenance: dict[int, DocProvenance] = {}  # imported ideas by id

    def local(self, clock: str, second: int = 0) -> datetime:
        """A local "HH:MM" on the current day, in UTC."""
        hour, minute = map(int, clock.split(":"))
        when = datetime.fromisoformat(self.day).replace(hour=hour, minute=minute, second=second)
        return when.replace(tzinfo=self.tz).astimezone(UTC)

    def at(self, clock: str, day: str | None = None) -> None:
        self.day = day or self.day
        self.now = self.local(clock, second=(len(self.log) * 23) % 60)

    def do(
        self,
        service: Any,
        *args: Any,
        actor: str = NOTE_TAKER,
        stamp: str = "",
        tag: str = "",
        tick: int = 17,
        **kwargs: Any,
    ) -> Any:
        set_actor(actor)
        result = service(self.engine, *args, **kwargs)
        self.log.append((self.now, tag))
        if stamp:
            self.when[stamp, result.position if stamp == "note" else result.id] = self.now
        self.now += timedelta(seconds=tick)
        return result


def add_people(t: Timeline, clinic_id: int, people: list[tuple[str, str, str]]) -> None:
    codes = {g.code: g.id for g in participants.list_groups(t.engine, clinic_id)}
    for name, organisation, code in people:
        t.do(
            participants.add_participant,
            clinic_id,
            name,
            organisation=organisation,
            group_id=codes[code],
        )


def capture(
    t: Timeline,
    clinic_id: int,
    rows: list[tuple[str, str, str]],
    theme_ids: dict[str, int] | None = None,
) -> dict[str, tuple[int, str]]:
    """Type lines ("Name / group: idea") as the note-taker would; "*" in the key stars one.

    Returns {text: (idea id, theme key)}.
    """
    captured = {}
    for clock, key, line in rows:
        t.at(clock)
        theme_id = (theme_ids or {}).get(key.rstrip("*"))
        idea = t.do(ideas.capture_line, clinic_id, line, theme_id=theme_id, stamp="idea")
        if key.endswith("*"):
            t.do(ideas.star_idea, idea.id, True, actor=FACILITATOR)
        captured[idea.text] = (idea.id, key.rstrip("*"))
    return captured


def pick(captured: dict[str, tuple[int, str]], start: str) -> int:
    return next(idea_id for text, (idea_id, _) in captured.items() if text.startswith(start))


def vote(t: Timeline, round_id: int, ballots: dict[str, Any], theme_ids: dict[str, int]) -> None:
    """Enter ballots; a voter who is not a participant is written "Name / group"."""
    for voter, choice in ballots.items():
        name, _, group = voter.partition("/")
        choices = (
            {theme_ids[k]: n for k, n in choice.items()}
            if isinstance(choice, dict)
            else [theme_ids[choice]]
        )
        t.do(
            voting.cast_ballot,
            round_id,
            name.strip(),
            choices,
            group=group.strip(),
            stamp="ballot",
            tick=14,
        )


def settle(document: Document, t: Timeline, name: str, exported: str) -> Document:
    """Give the exported document the timeline's times, Finnish group names and fixed uids."""
    clinic = document.clinics[0]
    assert len(clinic.activity) == len(t.log), "every service call logs exactly one entry"

    def uid(kind: str, number: int = 0) -> str:
        return uuid.uuid5(NAMESPACE, f"{name}/{kind}/{number}").hex

    idea_parts = []
    for number, idea in enumerate(clinic.ideas):
        imported = t.provenance.get(idea.id)
        created = imported.imported_at if imported else t.when["idea", idea.id]
        update: dict[str, Any] = {
            "uid": uid("idea", number),
            "created_at": created,
            "updated_at": t.when.get(("merge", idea.id), created),
        }
        if imported:
            update |= {"provenance": imported, "author": imported.original_author or ""}
        idea_parts.append(idea.model_copy(update=update))
    rounds = [
        r.model_copy(
            update={
                "created_at": t.when["open", r.id],
                "opened_at": t.when["open", r.id],
                "closed_at": t.when["close", r.id],
                "ballots": [
                    b.model_copy(update={"cast_at": t.when["ballot", b.id]}) for b in r.ballots
                ],
            }
        )
        for r in clinic.rounds
    ]
    # The Padlet ideas came in as one import: one log entry instead of one per idea.
    imports = [i for i, (_, tag) in enumerate(t.log) if tag == "padlet"]
    activity = []
    for i, (entry, (at, tag)) in enumerate(zip(clinic.activity, t.log, strict=True)):
        if not tag:
            activity.append(entry.model_copy(update={"at": at}))
        elif i == imports[0]:
            message = NP_(
                "Imported {count} idea from {file}.", "Imported {count} ideas from {file}."
            )
            activity.append(
                DocActivity(
                    at=at,
                    action="import.ideas",
                    actor=entry.actor,
                    summary=summary_json(message, {"count": len(imports), "file": PADLET_FILE}),
                )
            )
    assert all(a.at <= b.at for a, b in itertools.pairwise(activity)), "times must not go back"
    clinic = clinic.model_copy(
        update={
            "uid": uid("clinic"),
            "created_at": t.log[0][0],
            "updated_at": t.log[-1][0],
            "groups": [
                g.model_copy(update={"name": GROUP_NAMES.get(g.code or "", g.name)})
                for g in clinic.groups
            ],
            # Themes and participants were set up before the clinic began.
            "themes": [th.model_copy(update={"created_at": t.log[0][0]}) for th in clinic.themes],
            "participants": [
                p.model_copy(update={"created_at": t.log[0][0]}) for p in clinic.participants
            ],
            "ideas": idea_parts,
            "rounds": rounds,
            "notes": [
                n.model_copy(update={"created_at": t.when["note", n.position]})
                for n in clinic.notes
            ],
            "activity": activity,
        }
    )
    t.at(exported)
    return document.model_copy(update={"exported_at": t.now.replace(second=0), "clinics": [clinic]})


# ---------------------------------------------------------------- the people

PEOPLE = {  # name: (organisation, default group code)
    "Marjatta Koskinen": ("Satakunnan hyvinvointialue", "professional"),
    "Ville Heinonen": ("Pohjois-Pohjanmaan hyvinvointialue", "professional"),
    "Laura Nieminen": ("Etelä-Pohjanmaan hyvinvointialue", "professional"),
    "Petri Lindholm": ("Pirkanmaan hyvinvointialue", "professional"),
    "Johanna Kivelä": ("Keski-Uudenmaan hyvinvointialue", "professional"),
    "Pekka Salonen": ("Seinäjoen kaupunki", "public_admin"),
    "Anu Lehtonen": ("Sosiaali- ja terveysministeriö", "public_admin"),
    "Tiina Mattila": ("Tampereen yliopisto", "research"),
    "Mikko Järvinen": ("Länsirannikon ammattikorkeakoulu", "research"),
    "Sanna Virtanen": ("Mielenterveysyhdistys Tuulikello ry", "ngo"),
    "Outi Karjalainen": ("Omaishoitajayhdistys Kehä ry", "ngo"),
    "Kari Hämäläinen": ("Sotelabra Oy", "company"),
    "Eija Laaksonen": ("Kotikaari Oy", "company"),
    "Tomi Ahonen": ("Kotikaari Oy", "company"),
    "Raili Aaltonen": ("", "resident"),  # a kokemusasiantuntija
    "Jussi Kallio": ("Länsirannikon innovaatiokeskus", "other"),
}


def people(*names: str) -> list[tuple[str, str, str]]:
    return [(name, *PEOPLE[name]) for name in names]


THEMES = [  # key, name, description
    (
        "P",
        "Ennaltaehkäisevien sosiaali- ja terveyspalvelujen kehittäminen",
        "Palvelut, jotka tukevat hyvinvointia ja tarttuvat ongelmiin ajoissa: hyte-yhteistyö "
        "kuntien kanssa, lasten, nuorten ja ikääntyneiden varhainen tuki, järjestöjen rooli.",
    ),
    (
        "D",
        "Sosiaali- ja terveydenhuollon digipalveluiden kehittäminen",
        "Digitaaliset palvelut ja niiden käyttöönotto: etävastaanotot, etämonitorointi, tekoäly "
        "kirjaamisessa, digituki asiakkaille ja yritysten reitit kokeiluihin.",
    ),
    (
        "M",
        "Monialaisten palvelujen kehittäminen sosiaali- ja terveydenhuollossa",
        "Yhteistyö asiakkaan ympärillä yli ammatti- ja organisaatiorajojen: yhteiset "
        "asiakassuunnitelmat, työllisyyspalvelut, lastensuojelu, omaiset ja oppilaitokset.",
    ),
]


# ---------------------------------------------------------------- 8.9.2026

IDEAS_0908 = [  # local time, theme key ("*" stars it), the line as typed
    (
        "09:22",
        "",
        "Marjatta Koskinen: Satakunnassa jokaisessa yksikössä on kehittäjähoitaja, "
        "jolla on kaksi päivää kuukaudessa varattu kehittämiseen. Se on ollut ratkaisevaa – ideat "
        "eivät jää kahvihuoneeseen.",
    ),
    (
        "09:27",
        "",
        "Miten kehittämisaika järjestetään, kun sijaisia ei saa edes sairauslomien ajaksi?",
    ),
    (
        "09:34",
        "M",
        "Laura Nieminen: Sosiaalityö mukaan alusta asti. Innovaatiotoiminta kuulostaa "
        "helposti terveydenhuollon ja teknologian asialta, eikä sosiaalihuolto tunnista siitä "
        "itseään.",
    ),
    (
        "09:41",
        "D",
        "Ville Heinonen: Yhteiskehittämisalustalle tulee selvästi enemmän ehdotuksia, "
        "kun jokainen kuitataan viikon sisällä. Aiheeksi: miten alustat saadaan oikeasti "
        "ammattilaisten arkikäyttöön?",
    ),
    (
        "09:48",
        "D*",
        "Raili Aaltonen: Kokemusasiantuntijat mukaan testaamaan digipalveluja ennen "
        "käyttöönottoa, ei vasta palautekyselyyn jälkikäteen.",
    ),
    (
        "09:55",
        "P",
        "/ professional: Ennaltaehkäisevän työn vaikutus ei näy käyntimäärissä. Miten "
        "sitä mitataan niin, että päättäjätkin vakuuttuvat?",
    ),
    (
        "10:03",
        "D",
        "Kari Hämäläinen: Yrityksenä kaipaisimme selkeää reittiä kokeiluun. Kenelle "
        "hyvinvointialueella soitetaan, kun ratkaisu on valmis pilotoitavaksi? Nyt kokeiluun "
        "pääsy riippuu siitä, keitä sattuu tuntemaan.",
    ),
    (
        "10:09",
        "P",
        "Pekka Salonen: Hyte-työ jäi uudistuksessa kuntien ja hyvinvointialueen "
        "väliin. Hyvinvointikertomusten yhteinen käyttö voisi olla oman klinikkansa aihe.",
    ),
    (
        "10:16",
        "P*",
        "Sanna Virtanen: Nuorten mielenterveyden varhainen tuki. Järjestöillä on "
        "matalan kynnyksen toimintaa, mutta ohjaus sinne kouluterveydenhuollosta on "
        "sattumanvaraista.",
    ),
    (
        "10:21",
        "M",
        "Tiina Mattila: Tutkija ja kehittäjähoitaja työpariksi, jolloin tutkimustieto "
        "kulkee käytäntöön ja käytännön kysymykset tutkimukseen.",
    ),
    (
        "10:26",
        "M",
        "Mikko Järvinen: Opiskelijat mukaan kehittämisprojekteihin harjoittelujen "
        "aikana. Sosionomi-, sairaanhoitaja- ja fysioterapeuttiopiskelijoiden yhteinen projekti "
        "on samalla monialaisen työn harjoittelua.",
    ),
    (
        "10:33",
        "",
        "Anu Lehtonen: Miten alueiden kokeiluista saadaan tieto kulkemaan muille "
        "alueille? Verkosto voisi koota onnistuneet kokeilut yhteen paikkaan.",
    ),
    (
        "10:38",
        "M",
        "Outi Karjalainen / ngo: Omaishoitajan näkökulma puuttuu usein, kun "
        "palveluja kehitetään, vaikka hän on monelle asiakkaalle se, joka pitää langat käsissä.",
    ),
    (
        "10:44",
        "D",
        "Eija Laaksonen: Etämonitorointi kotihoidossa. Laitteita on hankittu, mutta "
        "käyttö jää vähäiseksi, koska hoitajat eivät ehdi reagoida hälytyksiin.",
    ),
    (
        "10:49",
        "*",
        "Ville Heinonen: Ehdotan verkoston yhteiseksi tehtäväksi kansallista "
        "yhteiskehittämisen mallia. Alueilla on jo paljon osaamista, mutta jokainen rakentaa "
        "omaa malliaan.",
    ),
    ("10:55", "", "Klinikoiden väliin jokin pysyvä kanava, jossa keskustelu voi jatkua."),
]
PADLET_0908 = [  # posted at (local), Padlet author ("" if anonymous), theme key, text
    (
        "10:24",
        "Laura Nieminen",
        "P",
        "Lapsiperheiden varhainen tuki perhekeskuksissa – miten "
        "neuvola, varhaiskasvatus ja sosiaalityö tekevät yhteistyötä ennen kuin ongelmat "
        "kasautuvat?",
    ),
    (
        "10:26",
        "",
        "P",
        "Nuorten mielenterveys ja matalan kynnyksen palvelut: mitä koulut ja "
        "järjestöt voivat tehdä yhdessä?",
    ),
    (
        "10:29",
        "Jussi Kallio",
        "D",
        "Tekoäly kirjaamisen tukena – kokemuksia kokeiluista ja "
        "mitä tietosuojassa pitää huomioida.",
    ),
    (
        "10:31",
        "",
        "P",
        "Ikääntyneiden kaatumisten ehkäisy: liikuntaryhmiä yhdessä kunnan "
        "liikuntatoimen ja järjestöjen kanssa.",
    ),
    (
        "10:33",
        "Marjatta Koskinen",
        "M",
        "Paljon palveluja tarvitsevat asiakkaat: yhteinen "
        "asiakassuunnitelma sosiaali- ja terveydenhuollon rajapinnalle.",
    ),
    (
        "10:36",
        "",
        "D",
        "Chat- ja videovastaanotot sosiaalityössä. Missä ne toimivat ja missä eivät?",
    ),
    (
        "10:38",
        "Heidi Saarinen",
        "M",
        "Työllisyyspalvelut ja sote samaan pöytään osatyökykyisten asioissa.",
    ),
    (
        "10:41",
        "",
        "P",
        "Yksinäisyyden tunnistaminen ja siihen puuttuminen, järjestöillä on "
        "tässä paljon annettavaa.",
    ),
    (
        "10:44",
        "Tiina Mattila",
        "",
        "Miten kehittämistyön vaikuttavuutta arvioidaan? "
        "Menetelmäklinikka arvioinnista kiinnostaisi.",
    ),
    (
        "10:47",
        "",
        "D",
        "Digituki asiakkaille: kuka neuvoo, kun Omakanta tai chat ei aukea? "
        "Kirjasto, järjestö vai hyvinvointialue?",
    ),
    (
        "10:50",
        "Mikko Järvinen",
        "",
        "Lyhyitä onnistumistarinoita ammattilaisilta itseltään "
        "jokaisen klinikan alkuun. Viisi minuuttia, ei kalvoja!",
    ),
    (
        "10:53",
        "",
        "M",
        "Lastensuojelun ja aikuisten mielenterveys- ja päihdepalvelujen "
        "yhteistyö, kun vanhempi tarvitsee apua.",
    ),
]
IDEAS_0908_LATE = [
    (
        "11:01",
        "P",
        "Jussi Kallio: Ennaltaehkäisyssä voisi hyödyntää paljon enemmän kuntien "
        "liikunta- ja kulttuuripalveluja. Ne ovat jo olemassa, mutta sote-ammattilaiset eivät "
        "tunne niitä.",
    ),
    (
        "11:03",
        "D",
        "/ company: Innovatiiviset hankinnat ja markkinavuoropuhelu ennen "
        "kilpailutusta, jotta kokeiluista päästään käyttöönottoon.",
    ),
]
NOTES_0908 = [  # local time, kind, text
    (
        "11:22",
        "decision",
        "Ehdotukset ryhmiteltiin kolmeksi teemaksi: ennaltaehkäisevät "
        "palvelut, digipalvelut ja monialaiset palvelut. Teemoista äänestetään 3.11. "
        "verkkoklinikalla.",
    ),
    (
        "11:24",
        "decision",
        "Kansallista yhteiskehittämisen mallia ehdotetaan verkoston yhteiseksi "
        "kehittämistehtäväksi; asia valmistellaan ohjausryhmälle.",
    ),
    (
        "11:26",
        "next_step",
        "Yhteenveto ja Padlet-ehdotukset lähetetään osallistujille 15.9. mennessä (Satu).",
    ),
    (
        "11:27",
        "next_step",
        "Teemoihin kuulumattomat ehdotukset, kuten onnistumistarinat ja "
        "pysyvä keskustelukanava, käsitellään verkoston työtapoja suunniteltaessa.",
    ),
    (
        "11:29",
        "next_step",
        "Alueilta pyydetään lokakuun loppuun mennessä puhujaehdotuksia 3.11. klinikalle.",
    ),
    (
        "11:41",
        "note",
        "Osallistujia oli enimmillään 58. Osallistujalistalla ovat ne, jotka "
        "esittäytyivät chatissa tai puheenvuorossa.",
    ),
]


def clinic_0908(engine: Any) -> Document:
    t = Timeline(engine, utc_offset_hours=3)  # EEST
    t.at("13:40", day="2026-08-25")
    clinic = t.do(
        clinics.create_clinic,
        "Sote-ammattilaisten innostaminen innovaatiotoimintaan",
        starts_at=datetime(2026, 9, 8, 9, 0),
        ends_at=datetime(2026, 9, 8, 11, 30),
        goal="Innovaatio- ja strategiaverkoston ensimmäinen verkkoklinikka. Kuullaan kolmen "
        "alueen puheenvuorot siitä, miten sote-ammattilaisia on saatu mukaan TKI-toimintaan ja "
        "yhteiskehittämiseen, ja ideoidaan yhdessä verkoston tulevien klinikoiden aiheita.\n\n"
        "Ehdotuksia voi kirjoittaa chattiin tai Padlet-taululle. Lopuksi ne ryhmitellään "
        "teemoiksi, joista äänestetään 3.11. verkkoklinikalla.",
        facilitator="Satu Heikkinen",
        note_taker="Jukka Rantanen",
        language="fi",
        actor=FACILITATOR,
    )
    cid = clinic.id
    t.at("09:03", day="2026-09-08")
    add_people(
        t,
        cid,
        people(
            "Marjatta Koskinen",
            "Ville Heinonen",
            "Laura Nieminen",
            "Pekka Salonen",
            "Anu Lehtonen",
            "Tiina Mattila",
            "Mikko Järvinen",
            "Sanna Virtanen",
            "Kari Hämäläinen",
            "Eija Laaksonen",
            "Raili Aaltonen",
            "Jussi Kallio",
        ),
    )
    captured = capture(t, cid, IDEAS_0908)
    t.at("11:00")
    imported_at = t.now
    for clock, author, key, text in PADLET_0908:
        idea = t.do(ideas.capture_idea, cid, text, tag="padlet", tick=0)
        captured[idea.text] = (idea.id, key)
        t.provenance[idea.id] = DocProvenance(
            kind=IdeaSource.IMPORT,
            format="padlet",
            file=PADLET_FILE,
            original_author=author or None,
            original_time=t.local(clock, second=len(text) % 60),
            imported_at=imported_at,
        )
    captured |= capture(t, cid, IDEAS_0908_LATE)
    t.at("11:06")
    theme_ids = {
        key: t.do(themes.create_theme, cid, name, description, actor=FACILITATOR).id
        for key, name, description in THEMES
    }
    t.at("11:10")
    for key, theme_id in theme_ids.items():
        chosen = [idea_id for idea_id, k in captured.values() if k == key]
        t.do(ideas.move_ideas, chosen, theme_id, actor=FACILITATOR, tick=50)
    t.at("11:15")
    t.do(
        ideas.merge_ideas,
        pick(captured, "Nuorten mielenterveyden varhainen tuki"),
        [pick(captured, "Nuorten mielenterveys ja matalan")],
        actor=FACILITATOR,
        stamp="merge",
    )
    for clock, kind, text in NOTES_0908:
        t.at(clock)
        t.do(notes.add_note, cid, kind, text, stamp="note")
    return settle(export_document(engine, [cid]), t, "verkkoklinikka-2026-09-08", "12:05")


# ---------------------------------------------------------------- 3.11.2026

SUBTHEMES = [  # sub-topics of the prevention theme, for the dot vote
    (
        "Y",
        "Nuorten mielenterveyden varhainen tuki",
        "Kouluterveydenhuolto, opiskeluhuolto ja järjestöjen matalan kynnyksen toiminta: miten "
        "nuori saa apua ennen kuin jonot kasvavat.",
    ),
    (
        "I",
        "Ikääntyneiden toimintakyvyn ja kotona asumisen tukeminen",
        "Kaatumisten ehkäisy, liikunta, ravitsemus ja omaisten tuki yhdessä kuntien ja "
        "järjestöjen kanssa.",
    ),
    (
        "E",
        "Elintapaohjaus ja pitkäaikaissairauksien ehkäisy",
        "Tyypin 2 diabeteksen ja sydänsairauksien riskien tunnistaminen ja elintapaohjaus, myös "
        "digitaalisesti.",
    ),
    (
        "L",
        "Lapsiperheiden varhainen tuki perhekeskuksissa",
        "Neuvolan, varhaiskasvatuksen ja perhesosiaalityön yhteistyö ennen kuin ongelmat "
        "kasautuvat.",
    ),
    (
        "K",
        "Yksinäisyyden ehkäisy yhdessä järjestöjen kanssa",
        "Yksinäisyyden tunnistaminen palveluissa ja ohjaus järjestöjen ja seurakuntien toimintaan.",
    ),
]
VOTES_1103 = {  # single choice: the next clinic's theme
    "Marjatta Koskinen": "P",
    "Ville Heinonen": "D",
    "Laura Nieminen": "M",
    "Pekka Salonen": "P",
    "Anu Lehtonen": "P",
    "Tiina Mattila": "P",
    "Mikko Järvinen": "M",
    "Sanna Virtanen": "P",
    "Kari Hämäläinen": "D",
    "Raili Aaltonen": "P",
    "Outi Karjalainen": "M",
    "Petri Lindholm": "D",
    "Johanna Kivelä": "P",
    "Tomi Ahonen": "D",
    "Henna Räsänen / professional": "P",
    "Jari Mäkelä / company": "D",
    "Minna Peltonen / research": "P",
    "Arja Honkanen / resident": "P",
    "Timo Karppinen / public_admin": "M",
    "Noora Heikkilä / ngo": "P",
    "Kaisa Ojala / other": "D",
}
DOTS_1103 = {  # 3 dots each, at most 2 on one sub-topic; three voters had left
    "Marjatta Koskinen": {"I": 2, "E": 1},
    "Ville Heinonen": {"Y": 1, "E": 2},
    "Laura Nieminen": {"Y": 2, "L": 1},
    "Pekka Salonen": {"Y": 1, "K": 1, "L": 1},
    "Anu Lehtonen": {"Y": 2, "I": 1},
    "Tiina Mattila": {"Y": 1, "E": 1, "K": 1},
    "Mikko Järvinen": {"Y": 2, "E": 1},
    "Sanna Virtanen": {"Y": 2, "K": 1},
    "Kari Hämäläinen": {"I": 2, "E": 1},
    "Raili Aaltonen": {"K": 2, "I": 1},
    "Outi Karjalainen": {"I": 2, "K": 1},
    "Petri Lindholm": {"Y": 1, "I": 1, "E": 1},
    "Johanna Kivelä": {"L": 2, "Y": 1},
    "Tomi Ahonen": {"I": 2, "Y": 1},
    "Henna Räsänen / professional": {"Y": 1, "L": 1, "I": 1},
    "Minna Peltonen / research": {"E": 2, "Y": 1},
    "Arja Honkanen / resident": {"K": 1, "I": 1},
    "Noora Heikkilä / ngo": {"K": 2, "Y": 1},
}
IDEAS_1103_BEFORE = [
    (
        "09:13",
        "D",
        "Kari Hämäläinen: Jos digipalvelut eivät voita nyt, toivon niille oman "
        "klinikan keväällä. Moni yritys odottaa juuri sitä keskustelua.",
    ),
    (
        "09:16",
        "M",
        "Laura Nieminen: Monialaisuus kulkee kaikkien teemojen läpi, joten se "
        "kannattaa pitää mukana, vaikka se ei voittaisi äänestystä.",
    ),
    (
        "09:19",
        "P*",
        ": Ennaltaehkäisyyn tarvitaan myös rahoitusmalli: säästöt syntyvät vuosien "
        "päästä ja eri budjettiin kuin kulut.",
    ),
    (
        "09:21",
        "P",
        "Anu Lehtonen: Ennaltaehkäisy liittyy suoraan hyte-kertoimeen, joten kunnilla "
        "ja hyvinvointialueilla on siinä yhteinen intressi.",
    ),
]
IDEAS_1103_AFTER = [
    (
        "10:06",
        "Y*",
        "Sanna Virtanen: Nuorten klinikalle voisi pyytää alustajiksi nuoria itseään "
        "tai nuorisovaltuustoa – asiakkaan ääni suoraan, ei meidän tulkitsemana.",
    ),
    (
        "10:10",
        "Y",
        "Petri Lindholm: Pirkanmaalla on kokeiltu koulupsykologin chat-päivystystä. "
        "Kokemukset ovat hyviä, voimme kertoa niistä.",
    ),
    (
        "10:14",
        "I",
        "Marjatta Koskinen: Kotihoidon hoitajat huomaavat toimintakyvyn "
        "heikkenemisen ensimmäisinä. Tarvitaan kevyt tapa kirjata havainto ja ohjata asiakas "
        "liikuntaneuvontaan.",
    ),
    (
        "10:18",
        "I",
        "Raili Aaltonen: Toivon, ettei ikääntyneiden palveluja suunnitella pelkän "
        "digin varaan. Puhelin ja kasvokkain tapaaminen pitää säilyttää.",
    ),
    (
        "10:23",
        "E",
        "Tiina Mattila: Meillä on käynnissä elintapaohjauksen vaikuttavuutta "
        "koskeva tutkimus, josta voisin pitää lyhyen alustuksen.",
    ),
    (
        "10:27",
        "E",
        "Tomi Ahonen: Valmennussovellusta voisi kokeilla terveyskeskuksen "
        "elintapaohjauksessa puolen vuoden pilottina. Olemme valmiita lähtemään mukaan.",
    ),
    (
        "10:31",
        "K",
        "/ ngo: Yksinäisyys ei näy diagnooseissa. Ammattilaisille tarvitaan yksi "
        "kysymys, joka esitetään aina, ja tieto siitä, minne ohjata.",
    ),
    (
        "10:36",
        "L",
        "Johanna Kivelä: Perhekeskuksissa on jo toimiva yhteistyörakenne. Sen "
        "kokemuksia kannattaa hyödyntää, vaikka alateema ei noussut kärkeen.",
    ),
    (
        "10:41",
        "",
        "Ville Heinonen: Yhteiskehittämisen mallin luonnokseen: jokaisen kokeilun "
        "jälkeen lyhyt arviointi ja päätös, jatketaanko, levitetäänkö vai lopetetaanko.",
    ),
    (
        "10:44",
        "",
        "Mikko Järvinen: Oppilaitokset voivat tarjota opiskelijaryhmiä mallin "
        "testaamiseen kevään harjoittelujaksoilla.",
    ),
]
NOTES_1103 = [
    (
        "10:48",
        "decision",
        "Seuraavan verkkoklinikan teemaksi valittiin Ennaltaehkäisevien "
        "sosiaali- ja terveyspalvelujen kehittäminen (11 ääntä 21:stä).",
    ),
    (
        "10:50",
        "decision",
        "Pisteäänestyksen perusteella klinikan painopisteiksi nousivat "
        "nuorten mielenterveyden varhainen tuki (17 pistettä) sekä ikääntyneiden toimintakyvyn ja "
        "kotona asumisen tukeminen (13 pistettä).",
    ),
    (
        "10:51",
        "decision",
        "Digipalvelut ja monialaiset palvelut säilyvät ehdokkaina kevään 2027 verkkoklinikoille.",
    ),
    (
        "10:53",
        "next_step",
        "Seuraava verkkoklinikka pidetään tammikuussa 2027; kutsu lähetetään joulukuun alussa.",
    ),
    (
        "10:55",
        "next_step",
        "Petri Lindholm kysyy Pirkanmaalta alustajaa koulupsykologin "
        "chat-päivystyksestä ja Sanna Virtanen nuorisovaltuustosta.",
    ),
    (
        "10:57",
        "next_step",
        "Yhteiskehittämisen mallin työryhmä kokoontuu 1.12.; Ville Heinonen "
        "kokoaa tämän klinikan kommentit luonnokseen.",
    ),
]


def clinic_1103(engine: Any) -> Document:
    t = Timeline(engine, utc_offset_hours=2)  # EET
    t.at("10:15", day="2026-10-20")
    clinic = t.do(
        clinics.create_clinic,
        "Yhteiskehittämisen malli ja seuraavan klinikan teema",
        starts_at=datetime(2026, 11, 3, 9, 0),
        ends_at=datetime(2026, 11, 3, 11, 0),
        goal="Äänestetään 8.9. klinikan ehdotuksista kootuista kolmesta teemasta seuraavan "
        "verkkoklinikan teema ja valitaan pisteäänestyksellä voittaneen teeman painopisteet "
        "alustuksia ja pienryhmiä varten. Lopuksi jatketaan keskustelua kansallisesta "
        "yhteiskehittämisen mallista.",
        facilitator="Satu Heikkinen",
        note_taker="Jukka Rantanen",
        language="fi",
        actor=FACILITATOR,
    )
    cid = clinic.id
    main = {
        key: t.do(themes.create_theme, cid, name, description, actor=FACILITATOR).id
        for key, name, description in THEMES
    }
    t.at("10:24")
    first = t.do(
        voting.create_round,
        cid,
        VotingMethod.SINGLE,
        theme_ids=list(main.values()),
        title="Seuraavan verkkoklinikan teema",
        hide_results=True,
        actor=FACILITATOR,
    )
    t.at("08:52", day="2026-11-03")
    add_people(
        t,
        cid,
        people(
            "Marjatta Koskinen",
            "Ville Heinonen",
            "Laura Nieminen",
            "Petri Lindholm",
            "Johanna Kivelä",
            "Pekka Salonen",
            "Anu Lehtonen",
            "Tiina Mattila",
            "Mikko Järvinen",
            "Sanna Virtanen",
            "Outi Karjalainen",
            "Kari Hämäläinen",
            "Tomi Ahonen",
            "Raili Aaltonen",
        ),
    )
    capture(t, cid, IDEAS_1103_BEFORE, main)
    t.at("09:25")
    t.do(voting.open_round, first.id, actor=FACILITATOR, stamp="open", tick=40)
    vote(t, first.id, VOTES_1103, main)
    t.at("09:34")
    t.do(voting.close_round, first.id, actor=FACILITATOR, stamp="close")
    assert voting.tally_round(engine, first.id).winner == main["P"]

    t.at("09:38")
    sub = {
        key: t.do(themes.create_theme, cid, name, description, actor=FACILITATOR, tick=45).id
        for key, name, description in SUBTHEMES
    }
    t.at("09:45")
    second = t.do(
        voting.create_round,
        cid,
        VotingMethod.DOTS,
        theme_ids=list(sub.values()),
        title="Ennaltaehkäisyn painopisteet",
        dots_per_voter=3,
        cap_per_theme=2,
        actor=FACILITATOR,
    )
    t.do(voting.open_round, second.id, actor=FACILITATOR, stamp="open", tick=60)
    vote(t, second.id, DOTS_1103, sub)
    t.at("09:53")
    t.do(voting.close_round, second.id, actor=FACILITATOR, stamp="close")
    assert voting.tally_round(engine, second.id).winner == sub["Y"]

    capture(t, cid, IDEAS_1103_AFTER, sub)
    for clock, kind, text in NOTES_1103:
        t.at(clock)
        t.do(notes.add_note, cid, kind, text, stamp="note")
    return settle(export_document(engine, [cid]), t, "verkkoklinikka-2026-11-03", "11:20")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(Path(folder) / "sample.db")
        try:
            for name, build in (
                ("verkkoklinikka-2026-09-08", clinic_0908),
                ("verkkoklinikka-2026-11-03", clinic_1103),
            ):
                path = OUT / f"{name}.json"
                path.write_bytes(render_json(build(engine)).encode("utf-8"))
                print(f"wrote {path}")
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
