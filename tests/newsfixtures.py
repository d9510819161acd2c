"""Short on-topic articles of our own writing, served by the test HTTP server."""

from __future__ import annotations

ARTICLES: list[tuple[str, list[str]]] = [
    ("Italy will not send troops to Ukraine, Meloni says", [
        "ROME, March 15 - Italy is not planning to send soldiers to a reassurance force in Ukraine, Prime Minister "
        "Giorgia Meloni said on Saturday after a video call with European leaders.",
        "Meloni said Rome would keep sending air defence systems and training Ukrainian crews in Italy instead, and "
        "that any European force would need a clear mandate and American support behind it.",
        "Several other governments on the call said they were still studying the question."]),
    ("Kremlin rejects proposal for a 30-day truce", [
        "MOSCOW, March 14 - The Kremlin on Friday rejected a proposal for an immediate 30-day ceasefire in Ukraine, "
        "saying a pause would only let Kyiv rearm.",
        "Kremlin spokesman Dmitry Peskov told reporters that Moscow wanted a lasting settlement rather than a short "
        "truce, and repeated that Russian forces would press on in the east.",
        "Ukrainian officials said the answer showed that Russia was not interested in peace."]),
    ("Britain ready to deploy troops after a ceasefire, Starmer says", [
        "LONDON, March 16 - Britain is ready to deploy troops to Ukraine as part of a reassurance force once a "
        "ceasefire is agreed, Prime Minister Keir Starmer said on Sunday.",
        "Starmer told lawmakers that the force would need backing from Washington to deter a new Russian attack, "
        "and that planners from more than twenty countries would meet this week.",
        "He said the plan would only go ahead after a peace deal had been signed."]),
    ("Qatar announces Gaza truce extension", [
        "DOHA, March 17 - Qatar announced on Monday that Israel and Hamas had agreed to extend their truce in Gaza by "
        "another week to allow more hostages and prisoners to be exchanged.",
        "Qatar's foreign ministry spokesman Majed al-Ansari said mediators from Egypt and the United States had "
        "worked through the night on the details of the extension.",
        "Aid agencies said hundreds of trucks were waiting at the Rafah crossing."]),
    ("Türkiye could join a peacekeeping mission, Fidan says", [
        "ANKARA, March 18 - Türkiye could take part in a peacekeeping mission in Ukraine if one were set up after a "
        "ceasefire, Foreign Minister Hakan Fidan said on Tuesday.",
        "Fidan said Ankara was in close contact with both Kyiv and Moscow and was ready to host further talks in "
        "Istanbul, as it did in the first months of the war.",
        "He gave no figure for the number of Turkish soldiers that might be involved."]),
    ("Poland rules out sending soldiers, offers logistics hub", [
        "WARSAW, March 19 - Poland will not send soldiers to Ukraine, Prime Minister Donald Tusk said on Wednesday, "
        "although Warsaw would offer airports and rail links as a logistics hub for any European force.",
        "Tusk said Polish troops were needed to guard the country's own eastern border with Belarus and Russia.",
        "The defence ministry said the logistics offer had been discussed with allies for weeks."]),
]

FRENCH = ("Le gouvernement refuse d'envoyer des soldats", [
    "PARIS - Le gouvernement a annoncé mardi qu'il n'enverrait pas de soldats en Ukraine dans le cadre d'une force "
    "de réassurance, malgré les demandes répétées de ses alliés européens.",
    "Le ministre a précisé que la France continuerait à livrer des armes et à former des soldats ukrainiens sur son "
    "territoire, et que les discussions se poursuivraient la semaine prochaine."])
