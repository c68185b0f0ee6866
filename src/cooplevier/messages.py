"""Every string a user reads in the terminal, by language, in one place.

Reports and handouts keep their prose in `templates/`; everything else goes through `t()`.
Adding a language means adding a catalogue here (and a template folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

FR: dict[str, str] = {
    # generic
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
    "file.stdout_failed": "écriture impossible sur la sortie standard ({reason})",
    "file.no_name": "nom de fichier de sortie vide",
    "file.is_input": "le fichier de sortie est aussi un fichier d'entrée : choisissez un autre nom",
    "os.enoent": "fichier ou dossier introuvable",
    "os.eacces": "permission refusée",
    "os.enospc": "disque plein",
    "os.erofs": "support en lecture seule",
    "os.eloop": "trop de liens symboliques (une boucle ?)",
    "os.eisdir": "c'est un dossier",
    "os.enotdir": "un élément du chemin n'est pas un dossier",
    "os.enametoolong": "nom de fichier trop long",
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
    "handout.refused": "{count} fichier(s) refusé(s) : l'affiche porte sur les fichiers valides",
    "batch.no_valid_file": "aucun fichier de réponses valide",
    "compare.other_territory": "avertissement : les deux fichiers ne portent pas sur le même territoire (« {old} », « {new} »)",
    "assess.no_folder": "le dossier {folder} n'existe pas : créez-le ou choisissez un autre emplacement",
    "assess.pending_dropped": "le commentaire de {id} n'est pas enregistré : la question n'a pas encore de réponse",
    "answers.empty_value": "(vide)",
    "answers.control_char": "caractère de contrôle {code} interdit dans un texte : retirez-le",
    "answers.bad_role": "rôle « {value} » invalide : attendu {roles}",
    "answers.ok": "{file} : valide ({answered}/{total} questions répondues)",
    # respondent roles
    # the two answers that are never a step, wherever they are shown
    "answer.na": "non concerné",
    "answer.unknown": "je ne sais pas",
    # roles: short (a tick box, "1 élu·e"), and as a group heading (synthesis tables)
    "role.short.elu": "élu·e",
    "role.short.technicien": "technicien·ne",
    "role.short.societe-civile": "société civile",
    "role.short.partenaire": "partenaire",
    "role.short.autre": "autre",
    "role.short.sans-role": "sans rôle",
    "role.group.elu": "Élu·es",
    "role.group.technicien": "Technicien·nes",
    "role.group.societe-civile": "Société civile",
    "role.group.partenaire": "Partenaires",
    "role.group.autre": "Autres",
    "role.group.sans-role": "Sans rôle",
    "role.elu": "élu·e",
    "role.technicien": "technicien·ne (DGS, chargé·e de mission…)",
    "role.societe-civile": "société civile (conseil de développement, association, habitant·e…)",
    "role.partenaire": "partenaire (État, Région, Département, chambre consulaire…)",
    "role.autre": "autre",
    # assess: opening
    "assess.title": "cooplevier — auto-diagnostic des coopérations territoriales",
    "assess.welcome": (
        "{questions} questions sur {levers} leviers de coopération, regroupés en {axes} axes. "
        "Pour chaque question, tapez le numéro (1 à 5) de la situation la plus proche de celle "
        "de votre territoire, puis Entrée ; ou n (non concerné), x (je ne sais pas). "
        "Chaque réponse est enregistrée aussitôt : tapez q pour quitter, vous reprendrez plus tard "
        "là où vous en étiez."
    ),
    "assess.ask_territory": "Nom du territoire (ex. : Pays de Figeac) : ",
    "assess.territory_empty": "Le nom du territoire est obligatoire : tapez-le puis Entrée.",
    "assess.roles_title": "Votre rôle dans ce territoire :",
    "assess.ask_role": "Votre rôle (1 à {count}) : ",
    "assess.bad_role": "« {value} » n'est pas dans la liste : tapez un chiffre de 1 à {count}, puis Entrée.",
    "assess.file_new": "Vos réponses seront enregistrées dans {file}, après chaque réponse.",
    "assess.file_resume": (
        "Reprise de {file} : {answered}/{total} réponses déjà enregistrées ; "
        "suite à la question {position}/{total}."
    ),
    "assess.file_blank": "{file} est vide : il devient votre fichier de réponses.",
    "assess.changed": "{field} : « {old} » remplacé par « {new} » (option {option})",
    "assess.field_territory": "territoire",
    "assess.field_role": "rôle",
    "assess.field_name": "nom",
    "assess.content_changed": "ce fichier a été commencé avec le contenu {old} ; il est poursuivi avec {new}",
    "assess.invalid_file": (
        "{file} n'a pas été modifié : corrigez le problème indiqué ci-dessus, "
        "ou donnez un autre nom de fichier."
    ),
    "assess.set_aside": (
        "{count} réponse(s) de {file} ne correspondent pas au contenu {pack}. Elles sont mises de côté, "
        "pas perdues : recopiées en commentaire en tête du fichier, et les questions concernées vous "
        "seront reposées."
    ),
    "assess.set_aside_item": "  ligne {line} : {entry} — {reason}",
    "assess.set_aside_header": (
        "Réponses mises de côté par « cooplevier assess » le {date} (contenu {pack}).\n"
        "Pour en reprendre une, corrigez-la et recopiez-la sous « answers: »."
    ),
    "assess.complete": "{file} est déjà complet ({answered}/{total} réponses).",
    "assess.ask_review": "Revoir les réponses une à une pour en modifier ? (Entrée garde chaque réponse) [o/N] : ",
    "assess.unchanged": "{file} n'a pas été modifié.",
    "assess.yes_no": "Répondez o (oui) ou n (non), puis Entrée.",
    # assess: a lever, a question
    "assess.lever": "Levier {id} — {title}",
    "assess.axis": "Axe : {axis}",
    "assess.lever_count": "{count} questions sur ce levier. Tapez a pour l'aide : pratiques, points de vigilance, territoires cités.",
    "assess.progress": "Question {position}/{total} — Axe : {axis}",
    "assess.question_id": "{id} (levier {lever})",
    "assess.current": "Réponse enregistrée : {value}. Entrée pour la garder.",
    "assess.current_comment": "Commentaire : {comment}",
    "assess.keys": "p précédente · s passer · c commentaire · a aide · q enregistrer et quitter",
    "assess.prompt": "Votre réponse (1 à 5, n ou x) : ",
    "assess.hint": (
        "« {value} » n'est pas une réponse possible. Tapez un chiffre de 1 à 5, n (non concerné) "
        "ou x (je ne sais pas), puis Entrée ; a affiche l'aide."
    ),
    "assess.hint_empty": (
        "Tapez un chiffre de 1 à 5, n (non concerné) ou x (je ne sais pas), puis Entrée ; "
        "s passe la question sans répondre."
    ),
    "assess.first_question": "C'est la première question : pas de question précédente.",
    "assess.ask_comment": "Votre commentaire (une ligne ; Entrée seule pour annuler, - pour effacer) : ",
    "assess.comment_saved": "Commentaire enregistré pour {id}.",
    "assess.comment_pending": "Commentaire noté pour {id} : il sera enregistré avec votre réponse à cette question.",
    "assess.comment_removed": "Commentaire de {id} effacé.",
    "assess.comment_unchanged": "Commentaire de {id} inchangé.",
    # assess: help
    "assess.help_title": "Aide — levier {id} — {title}",
    "assess.help_question": "Pourquoi cette question",
    "assess.help_practices": "Exemples de pratiques",
    "assess.help_vigilance": "Points de vigilance",
    "assess.help_cases": "Territoires cités en exemple",
    "assess.help_steps": "Les 5 marches de la coopération (les choix 1 à 5 y correspondent)",
    "assess.help_keys": "Touches",
    "assess.key_levels": "1 à 5 : la situation la plus proche de la vôtre",
    "assess.key_na": "n : non concerné (la question ne s'applique pas à votre territoire ; non comptée)",
    "assess.key_unknown": "x : je ne sais pas (non comptée ; listée « à vérifier » dans le rapport)",
    "assess.key_keep": "Entrée seule : garder la réponse déjà enregistrée",
    "assess.key_back": "p : revenir à la question précédente (pour changer sa réponse)",
    "assess.key_skip": "s : passer la question sans répondre (vous pourrez y revenir)",
    "assess.key_comment": "c : ajouter un commentaire (ou « c votre texte » sur une ligne)",
    "assess.key_help": "a : cette aide",
    "assess.key_quit": "q : enregistrer et quitter ; relancez la même commande pour reprendre",
    # assess: the end
    "assess.gaps": "{count} question(s) sans réponse : {ids}.",
    "assess.ask_gaps": "Y répondre maintenant ? [o/N] : ",
    "assess.summary": "Bilan — {territory}",
    "assess.col_lever": "Levier",
    "assess.col_answers": "Réponses",
    "assess.col_score": "Moyenne",
    "assess.col_step": "Marche",
    "assess.row_axis": "Axe : {axis}",
    "assess.row_overall": "Ensemble (marche de l'axe le plus faible)",
    "assess.no_score": "—",
    "assess.steps_legend": "Marches : {steps}.",
    "assess.to_verify": "À vérifier (je ne sais pas) : {ids}",
    "assess.saved": "{answered}/{total} réponses enregistrées dans {file}.",
    "assess.next": "Étape suivante, le rapport et le plan d'action :",
    "assess.resume_later": "Pour répondre aux questions restantes :",
    "assess.resume": "Pour reprendre :",
    "assess.bye": "À bientôt.",
    "assess.interrupted": "Interrompu (Ctrl-C).",
    "assess.eof": "Fin de l'entrée : plus aucune réponse à lire.",
    "assess.eof_nothing": (
        "Fin de l'entrée : aucune réponse à lire. Le questionnaire est interactif : lancez "
        "« cooplevier assess » dans un terminal, ou envoyez les réponses sur l'entrée standard."
    ),
    "assess.nothing_saved": "Rien n'a été enregistré.",
    "assess.save_failed": "Votre dernière réponse n'a pas pu être enregistrée.",
    "assess.ask_retry": "Libérez de la place ou vérifiez les droits, puis Entrée pour réessayer (q pour abandonner) : ",
    "assess.dump": "Vos réponses n'ont pas pu être enregistrées ; les voici, à copier dans un fichier :",
    # cli
    "cli.version": "cooplevier {version}",
    "cli.unknown_lever": "levier « {id} » inconnu : attendu L1 à L10",
    "cli.interrupted": "interrompu",
    "cli.internal": (
        "erreur interne inattendue ({kind}) : ce n'est pas de votre faute. "
        "Relancez avec COOPLEVIER_DEBUG=1 pour le détail et signalez-le."
    ),
    # handouts (issue 6)
    "handout.poster_needs_answers": (
        "l'affiche de groupe a besoin de fichiers de réponses : "
        "cooplevier handout poster reponses/*.yaml"
    ),
    "handout.answers_only_poster": "les fichiers de réponses ne servent qu'à l'affiche (handout poster)",
    "handout.no_pdf_engine": (
        "aucun moteur PDF disponible : ouvrez la version HTML dans votre navigateur et imprimez-la "
        "(Ctrl+P, « Enregistrer au format PDF », format A4, sans en-têtes ni pieds de page), "
        "ou installez WeasyPrint (pip install \"cooplevier[pdf]\") ou Chromium"
    ),
    "handout.pdf_failed": "l'impression en PDF a échoué ({reason}) : imprimez la version HTML depuis votre navigateur",
    "handout.pdf_to_terminal": "un PDF ne s'affiche pas dans un terminal : ajoutez --output FICHIER.pdf",
    "questions.blank_format": "--blank produit un fichier YAML à compléter : il ne se combine pas avec --format {format}",
    # report / explain (issue 4)
    "report.template_dir": "le dossier de modèles (--template) est introuvable ou n'est pas un dossier",
    # batch scoring, exports, synthesis, compare, input hardening (issue 5)
    "input.not_regular": "ce n'est pas un fichier ordinaire (tube, périphérique…) : attendu un fichier YAML",
    "input.utf16_no_bom": "le fichier semble encodé en UTF-16 sans BOM : enregistrez-le en UTF-8",
    "input.control_char": (
        "caractère de contrôle U+{code:04X} interdit en YAML : supprimez-le "
        "(le fichier est peut-être endommagé ou n'est pas un fichier texte)"
    ),
    "input.bad_escape": "séquence d'échappement invalide entre guillemets (\\u…, \\x…)",
    "input.more_errors": "… et {count} autre(s) erreur(s) dans ce fichier",
    "batch.summary": "{ok} fichier(s) noté(s), {bad} refusé(s)",
    "batch.progress": "Notation",
    "batch.xlsx_needs_output": (
        "le format xlsx produit un classeur binaire : indiquez --output FICHIER.xlsx "
        "(ou --output - pour l'envoyer dans un tube)"
    ),
    "batch.binary_to_tty": (
        "refus d'écrire un classeur xlsx (binaire) dans le terminal : redirigez la sortie "
        "(> fichier.xlsx) ou indiquez --output FICHIER.xlsx"
    ),
    "batch.bad_separator": "séparateur « {value} » invalide : attendu un seul caractère (; , tab |)",
    "synthesis.refused": "{count} fichier(s) refusé(s) : la synthèse porte sur les {ok} fichier(s) valide(s)",
    "explain.head": "{territory} — {file}",
    "explain.rules": (
        "Règles : score d'un levier = moyenne des marches choisies à ses questions ; axe = moyenne de ses "
        "leviers notés ; ensemble = moyenne des axes. Marche = partie entière du score (la marche "
        "atteinte). « non concerné » et « je ne sais pas » n'entrent dans aucun score."
    ),
    "explain.axis": "Axe « {title} » ({id})",
    "explain.line": "ligne {line}",
    "explain.no_line": "—",
    "explain.unanswered": "sans réponse (compte dans la complétude, pas dans le score)",
    "explain.na": "non concerné (hors score)",
    "explain.unknown": "je ne sais pas (à vérifier, hors score)",
    "explain.level": "marche {level}",
    "explain.lever_none": "aucune marche choisie : pas de score",
    "explain.lever_mean": "{eq} → marche {step} « {label} »",
    "explain.target_default": " ; cible : marche {target} (par défaut, la marche suivante)",
    "explain.target_file": " ; cible : marche {target} (fixée dans le fichier)",
    "explain.axis_none": "axe sans score (aucun levier noté)",
    "explain.axis_mean": "axe : moyenne des leviers notés ({levers}) : {eq} → marche {step}",
    "explain.overall_none": "Ensemble : aucun axe noté, pas de score.",
    "explain.overall": (
        "Ensemble : moyenne des axes {eq} ; marche {step} = celle de l'axe le plus faible, « {weakest} » "
        "(la roue ne tourne que si ses quatre axes sont solides)"
    ),
    "explain.balance": (
        "Équilibre : « {high} » ({hi}) − « {low} » ({lo}) = écart {spread} → {balance} ({limits} ; sinon déséquilibrée)"
    ),
    "explain.priorities": "Priorités :",
    "explain.balance.equilibree": "équilibrée",
    "explain.balance.fragile": "fragile",
    "explain.balance.desequilibree": "déséquilibrée",
    "explain.no_priority": "aucune : chaque levier noté a atteint sa cible",
    "explain.reason_weakest": "levier le plus faible ({score}) de l'axe le plus faible, « {axis} »",
    "explain.reason_target": "marche {step} sous la cible {target} (par défaut, la marche suivante) ; axe « {axis} »",
    "explain.reason_target_file": "marche {step} sous la cible {target} fixée dans le fichier ; axe « {axis} »",
    "explain.completeness": "Complétude : {answered} questions traitées sur {total} ({pct} %)",
    "explain.to_verify": "À vérifier (je ne sais pas) : {ids}",
}

CATALOGUES: dict[str, dict[str, str]] = {"fr": FR}


def language() -> str:
    lang = os.environ.get("COOPLEVIER_LANG", "fr")
    return lang if lang in CATALOGUES else "fr"


def labels(prefix: str, ids: Iterable[str]) -> dict[str, str]:
    """`{id: t(f"{prefix}.{id}")}`: the words for a closed set of ids (roles, answers…)."""
    return {i: t(f"{prefix}.{i}") for i in ids}


def t(key: str, /, **kwargs: object) -> str:
    """The message `key` in the user's language, formatted with `kwargs`."""
    template = CATALOGUES[language()].get(key) or FR[key]
    return template.format(**kwargs) if kwargs else template
