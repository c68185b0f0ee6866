"""The cooperation plan: the content's actions, the legal calendar, plan files, the follow-up."""

FR: dict[str, str | dict[str, str]] = {
    "actions.bad_id": "identifiant d'action « {id} » invalide : attendu L<levier>.A<n> (par exemple L3.A1)",
    "actions.unknown_lever": "l'action « {id} » porte sur le levier « {lever} », que levers.yaml ne définit pas",
    "actions.step": "une action fait monter d'une marche : to_step doit valoir from_step + 1 (de 1→2 à 4→5)",
    "actions.uncovered": "levier {lever} : aucune action pour la marche {from_step}→{to_step}",
    "actions.seed_quote": "une action « source: seed » cite le document : ajoutez « quote » avec ses mots exacts",
    "actions.wording_elsewhere": "formulation pour « {structure} », type de structure que « structures » ne retient pas",
    "table.actions": "Actions pour monter d'une marche",
    "table.action_quote": "d'après le document : « {quote} »",
    "table.action_leads": "Pilote : {value}",
    "table.action_body": "Décide : {value}",
    "table.action_deliverable": "Livrable : {value}",
    "table.action_indicator": "Indicateur : {value}",
    "table.action_structures": "Pour : {value}",
}
