"""The room's discussion: the presenter view (`presenter`), the moderated comment wall
(`comments`) and their routes with the priority vote's (`room`; the vote's store is `atelier.vote`)."""
