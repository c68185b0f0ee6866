"""Every string a user reads in the terminal, by language, in one place.

Reports and handouts keep their prose in `templates/`; everything else goes through `t()`.
Adding a language means adding a catalogue here (and a template folder).
"""

from __future__ import annotations

import os

FR: dict[str, str] = {
    # generic
    "error.prefix": "erreur",
    "warning.prefix": "avertissement",
    "file.not_found": "fichier introuvable",
    "file.is_dir": "c'est un dossier, pas un fichier",
    "file.unreadable": "fichier illisible ({reason})",
    "file.too_big": "fichier trop volumineux ({size} octets ; maximum {limit} octets)",
    "file.empty": "le fichier est vide",
    "file.binary": "ce n'est pas un fichier texte (octet nul trouvé) : attendu un fichier YAML en UTF-8",
    "file.not_utf8": (
        "le fichier n'est pas en UTF-8 (octet 0x{byte:02X} illisible) : "
        "enregistrez-le en UTF-8 (Bloc-notes : « Enregistrer sous » > Codage « UTF-8 »)"
    ),
    "file.cp1252": "le fichier n'est pas en UTF-8 ; il a été lu comme Windows-1252 (cp1252)",
    "file.exists": "le fichier existe déjà : ajoutez --force pour le remplacer",
    "file.write_failed": "écriture impossible ({reason})",
    "path.not_found": "chemin introuvable",
    "path.no_yaml": "aucun fichier *.yaml ou *.yml dans ce dossier",
    # yaml
    "yaml.syntax": "syntaxe YAML invalide : {problem}",
    "yaml.tab": "tabulation interdite en YAML : indentez avec des espaces",
    "yaml.unclosed_flow": "crochet ou accolade non fermé",
    "yaml.unclosed_quote": "guillemet non fermé",
    "yaml.bad_indent": "indentation incohérente ou « : » mal placé",
    "yaml.tag": "étiquette YAML « {tag} » interdite : écrivez des valeurs simples",
    "yaml.anchor": "ancre ou alias YAML (« &{name} » / « *{name} ») interdits : recopiez la valeur",
    "yaml.alias": "alias YAML « *{name} » interdit : recopiez la valeur",
    "yaml.duplicate_key": "clé « {key} » en double (déjà à la ligne {first}) : une seule valeur est permise",
    "yaml.too_deep": "imbrication trop profonde (plus de {limit} niveaux)",
    "yaml.too_many_nodes": "trop d'éléments (plus de {limit})",
    "yaml.multi_doc": "un seul document YAML par fichier (séparateur « --- » en trop)",
    "yaml.complex_key": "clé invalide : une clé doit être un texte simple",
    # schema
    "schema.missing": "champ obligatoire « {field} » manquant",
    "schema.unknown": "champ inconnu « {field} » (champs possibles : {allowed})",
    "schema.expected_mapping": "attendu une table de clés/valeurs (clé: valeur)",
    "schema.expected_list": "attendu une liste (éléments précédés de « - »)",
    "schema.expected_text": "attendu un texte",
    "schema.expected_int": "attendu un nombre entier",
    "schema.empty_text": "texte vide",
    "schema.expected_one_of": "valeur « {value} » invalide : attendu {choices}",
    "schema.expected_date": "date invalide : attendu AAAA-MM-JJ",
    # content pack
    "content.missing_file": "fichier du pack de contenu manquant",
    "content.not_dir": "le pack de contenu doit être un dossier contenant levers.yaml, cases.yaml et questions.yaml",
    "content.duplicate_id": "identifiant « {id} » en double (déjà à la ligne {first})",
    "content.bad_lever_id": "identifiant de levier « {id} » invalide : attendu L1 à L10",
    "content.bad_question_id": "identifiant de question « {id} » invalide : attendu {lever}.Q<n>",
    "content.lever_number": "le numéro {number} ne correspond pas à l'identifiant « {id} »",
    "content.unknown_axis": "axe « {axis} » inconnu (axes : {axes})",
    "content.unknown_lever": "levier « {lever} » inconnu",
    "content.lever_no_axis": "le levier {lever} n'est rattaché à aucun axe",
    "content.lever_many_axes": "le levier {lever} est rattaché à plusieurs axes ({axes})",
    "content.axis_mismatch": "le levier {lever} indique l'axe « {axis} » mais l'axe « {listed} » le liste",
    "content.choices_count": "la question {id} doit avoir exactement 5 choix (elle en a {count})",
    "content.choices_levels": "les choix de la question {id} doivent porter les niveaux 1, 2, 3, 4, 5 dans l'ordre",
    "content.questions_count": "le levier {lever} doit avoir de 3 à 6 questions (il en a {count})",
    "content.question_numbering": "les questions du levier {lever} doivent être numérotées {lever}.Q1, {lever}.Q2… sans trou",
    "content.no_case": "le levier {lever} n'est illustré par aucun territoire dans cases.yaml",
    "content.no_vigilance": "le levier {lever} n'a aucun point de vigilance",
    "content.staircase": "l'escalier doit compter exactement 5 marches, niveaux 1 à 5",
    "content.axes_count": "attendu les 4 axes : {expected}",
    "content.ok": "pack de contenu valide : {levers} leviers, {questions} questions, {cases} territoires ({path})",
    # answers
    "answers.format": "format « {value} » non reconnu : la première ligne doit être « cooplevier: answers/1 »",
    "answers.not_mapping": "un fichier de réponses doit être une table YAML (cooplevier, territory, answers…)",
    "answers.unknown_question": "question « {id} » inconnue dans le pack de contenu {pack}",
    "answers.bad_value": "réponse « {value} » invalide pour {id} : attendu 1 à 5, na (non concerné) ou unknown (je ne sais pas)",
    "answers.bad_target": "cible « {value} » invalide pour {lever} : attendu une marche de 1 à 5",
    "answers.bad_role": "rôle « {value} » invalide : attendu {roles}",
    "answers.ok": "{file} : valide ({answered}/{total} questions répondues)",
    # cli
    "cli.version": "cooplevier {version}",
    "cli.validate.nothing": "rien à vérifier",
    "cli.unknown_lever": "levier « {id} » inconnu : attendu L1 à L10",
    "cli.interrupted": "interrompu",
    "cli.internal": (
        "erreur interne inattendue ({kind}) : ce n'est pas de votre faute. "
        "Relancez avec COOPLEVIER_DEBUG=1 pour le détail et signalez-le."
    ),
}

CATALOGUES: dict[str, dict[str, str]] = {"fr": FR}


def language() -> str:
    lang = os.environ.get("COOPLEVIER_LANG", "fr")
    return lang if lang in CATALOGUES else "fr"


def t(key: str, /, **kwargs: object) -> str:
    """The message `key` in the user's language, formatted with `kwargs`."""
    template = CATALOGUES[language()].get(key) or FR[key]
    return template.format(**kwargs) if kwargs else template
