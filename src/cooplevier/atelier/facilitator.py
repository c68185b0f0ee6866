"""The facilitator's side, under `/animation/<key>`: dashboard, projection, QR, poster, switch, downloads.

A wrong key gets the same 404 as a page that does not exist: nothing tells a visitor that the
path is right. The projection and the dashboard refresh themselves by fetching an HTML fragment
(`refresh.js`, same origin, allowed by the CSP) and fall back to a slow meta refresh without
JavaScript. The projection shows `masking.project()` only; the downloads are the facilitator's own
files, like `cooplevier report DIR`, and the dashboard says they are not for the screen.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cooplevier.atelier import views
from cooplevier.atelier.security import FormRefused, read_form
from cooplevier.atelier.workshop import Workshop
from cooplevier.content.model import Pack
from cooplevier.content.reading import reading_load
from cooplevier.messages import role_group, t
from cooplevier.scoring.masking import EVERYONE, OTHERS, Projection

TEXT_DOWNLOADS = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}
OFFICE_DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CIRCULATED = "synthese-a-diffuser"  # the masked synthesis, as `cooplevier report DIR` gives it
REFRESH_MS = 4000
SCREEN = "/ecran/{key}"  # the projected pages, under the read-only screen key (state.screen_key)


class Facilitator:
    def __init__(self, workshop: Workshop) -> None:
        self.w = workshop
        # what other features add to the dashboard, each a function giving its part of the context:
        # pacing, the countdown, erasure and the archive (facilitation); the wall and the vote (room)
        self.dashboard_parts: list[Callable[[], dict[str, Any]]] = []

    def routes(self) -> list[Route]:
        prefix = "/animation/{key}"
        return [
            Route(prefix, self.dashboard, methods=["GET"]),
            Route(prefix + "/tableau", self.dashboard_fragment, methods=["GET"]),
            Route(prefix + "/projection", self.projection, methods=["GET"]),
            Route(prefix + "/projection/fragment", self.projection_fragment, methods=["GET"]),
            Route(prefix + "/qr", self.qr_page, methods=["GET"]),
            Route(prefix + "/qr.svg", self.qr_image, methods=["GET"]),
            Route(prefix + "/affiche", self.poster, methods=["GET"]),
            Route(prefix + "/fermeture", self.switch, methods=["POST"]),
            Route(prefix + "/telecharger/{name}", self.download, methods=["GET"]),
            Route(prefix + "/saisie", self.typing_in, methods=["GET"]),
            Route(prefix + "/static/{name}", self.static, methods=["GET"]),
            # what the projector shows, under the screen key: nothing else is reachable from it
            Route(SCREEN + "", self.projection, methods=["GET"]),
            Route(SCREEN + "/projection/fragment", self.projection_fragment, methods=["GET"]),
            Route(SCREEN + "/qr", self.qr_page, methods=["GET"]),
            Route(SCREEN + "/qr.svg", self.qr_image, methods=["GET"]),
            Route(SCREEN + "/static/{name}", self.static, methods=["GET"]),
        ]

    def _allowed(self, request: Request) -> bool:
        """The facilitator's key, on the facilitator's paths only."""
        return request.url.path.startswith("/animation/") and self.w.state.key_matches(request.path_params["key"])

    def _shown(self, request: Request) -> bool:
        """The pages to project: the facilitator's key, or the screen key on the screen's paths."""
        if request.url.path.startswith("/ecran/"):
            return self.w.state.screen_matches(request.path_params["key"])
        return self._allowed(request)

    def _screen_context(self, request: Request, **more: Any) -> dict[str, Any]:
        """The context of a projected page: its links stay under the key it was opened with."""
        context = self._context(**more)
        if request.url.path.startswith("/ecran/"):
            context["base"] = self._screen_base()
        return context

    def _screen_base(self) -> str:
        return f"/ecran/{self.w.state.screen_key}"

    def _base(self) -> str:
        return f"/animation/{self.w.state.key}"

    def _context(self, **more: Any) -> dict[str, Any]:
        w = self.w
        return {
            "base": self._base(),
            "territory": w.state.settings.territory,
            "closed": w.state.closed,
            "participant_url": w.participant_url,
            "display_code": w.state.display_code,
            "min_group": w.min_group,
            "refresh_ms": REFRESH_MS,
            "local_only": w.local_only,
            "hidden": w.state.hidden,
            "screen": self._screen_base(),
            **more,
        }

    async def static(self, request: Request) -> Response:
        if not self._shown(request):
            return views.not_found()
        return views.static_response(request.path_params["name"])

    def _dashboard_context(self) -> dict[str, Any]:
        counts = self.w.counts()
        roles = {role: role_group(role) for role in counts.by_role}
        return self._context(
            counts=counts,
            role_labels=roles,
            csrf=self.w.state.sign("csrf:f:" + self.w.state.key),
            downloads=self._downloads(),
            questions=len(self.w.registry.questions),
            respondents=self.w.projection().respondents,
            notices=list(self.w.registry.notices),
            **{key: value for part in self.dashboard_parts for key, value in part().items()},
        )

    async def dashboard(self, request: Request) -> Response:
        if not self._allowed(request):
            return views.not_found()
        return views.page("dashboard.html.j2", self._dashboard_context())

    async def typing_in(self, request: Request) -> Response:
        """Each participant's resume link, for the facilitator to type in the rest of someone's
        answers (a paper form, a dead phone) through the server, the file's one writer, while the
        room is still answering. Names people: never to be projected (the page says so)."""
        if not self._allowed(request):
            return views.not_found()
        people = [
            {
                "id": p.id,
                "name": p.name,
                "role": role_group(p.role or "autre"),
                "answered": len(p.answers),
                "link": f"{self.w.participant_url}/reprendre/{self.w.state.token_for(p.id)}",
            }
            for p in sorted(self.w.registry, key=lambda p: (p.name or "", p.id))
        ]
        return views.page("typing_in.html.j2", self._context(people=people, questions=len(self.w.registry.questions)))

    async def dashboard_fragment(self, request: Request) -> Response:
        if not self._allowed(request):
            return views.not_found()
        return views.page("_dashboard_counts.html.j2", self._dashboard_context())

    def _projection_context(self, request: Request) -> dict[str, Any]:
        from cooplevier.report.synthesis import shade

        proj = self.w.projection()  # published first (at the close, everything), then seen
        if not self.w.state.hidden:
            self.w.mark_seen()
        labels = group_labels(proj)
        return self._screen_context(
            request,
            p=proj,
            pack=self.w.pack,
            labels=labels,
            shade=shade,
            counts=self.w.counts(),
            wheel=projection_wheel(proj, self.w.pack, labels) if proj.enough and not self.w.state.hidden else None,
            role_labels={role: role_group(role) for role in proj.roles},
        )

    async def projection(self, request: Request) -> Response:
        if not self._shown(request):
            return views.not_found()
        return views.page("projection.html.j2", self._projection_context(request))

    async def projection_fragment(self, request: Request) -> Response:
        if not self._shown(request):
            return views.not_found()
        return views.page("_projection_body.html.j2", self._projection_context(request))

    async def qr_page(self, request: Request) -> Response:
        if not self._shown(request):
            return views.not_found()
        svg = views.qr_svg(self.w.participant_url, title=t("atelier.qr_title"))
        return views.page("qr.html.j2", self._screen_context(request, qr=svg, **self._wifi()))

    async def qr_image(self, request: Request) -> Response:
        if not self._shown(request):
            return views.not_found()
        svg = views.qr_svg(self.w.participant_url, title=t("atelier.qr_title"))
        return Response(svg, media_type="image/svg+xml")

    async def poster(self, request: Request) -> Response:
        if not self._allowed(request):
            return views.not_found()
        svg = views.qr_svg(self.w.participant_url, title=t("atelier.qr_title"))
        questions = self.w.registry.questions
        context = self._context(
            qr=svg, questions=len(questions), minutes=reading_load(questions).minutes, **self._wifi()
        )
        return views.page("poster.html.j2", context)

    def _wifi(self) -> dict[str, Any]:
        """The Wi-Fi QR code beside the join one (`--wifi`, atelier.facilitation.network), when given."""
        if self.w.wifi is None:
            return {"wifi": None}
        ssid, text = self.w.wifi
        return {"wifi": {"ssid": ssid, "qr": views.qr_svg(text, title=t("atelier.wifi_title", ssid=ssid))}}

    async def switch(self, request: Request) -> Response:
        if not self._allowed(request):
            return views.not_found()
        try:
            fields = await read_form(request)
        except FormRefused as refused:
            return views.refused(refused.kind, refused.status)
        if not secrets.compare_digest(fields.get("csrf", ""), self.w.state.sign("csrf:f:" + self.w.state.key)):
            return views.refused("csrf", 403, back=self._base())
        action = fields.get("action")
        if action in ("fermer", "rouvrir"):
            await self.w.set_closed(action == "fermer")
        elif action in ("masquer", "montrer"):
            await self.w.set_hidden(action == "masquer")
        else:
            return views.refused("not_form", 422, back=self._base())
        return RedirectResponse(self._base(), 303)

    def _downloads(self) -> list[str]:
        return [*TEXT_DOWNLOADS, *OFFICE_DOWNLOADS]

    async def download(self, request: Request) -> Response:
        if not self._allowed(request):
            return views.not_found()
        name = request.path_params["name"]
        stem, _, fmt = name.partition(".")
        results = self.w.results()
        known = stem in ("synthese", CIRCULATED) and fmt in self._downloads()
        if (stem, fmt) != ("scores", "xlsx") and not known:
            return views.not_found()
        if not results:
            return views.refused("no_answers", 409, back=self._base())
        headers = {
            "content-disposition": f'attachment; filename="{name}"',
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        }
        if stem == "scores":
            return Response(_xlsx(results, self.w.pack, self.w.min_group), media_type=XLSX, headers=headers)
        syn = self.w.synthesis()
        if stem == CIRCULATED:  # what `cooplevier report DIR` gives: masked with the workshop's K
            from cooplevier.scoring.circulate import mask

            syn = mask(syn, self.w.min_group)
        data: bytes
        if fmt in OFFICE_DOWNLOADS:
            from cooplevier.report.office.documents import synthesis_document

            data = synthesis_document(syn, self.w.pack, fmt)
        else:
            from cooplevier.report.synthesis import render_synthesis

            data = render_synthesis(syn, self.w.pack, fmt=fmt).encode("utf-8")
        media = TEXT_DOWNLOADS.get(fmt) or OFFICE_DOWNLOADS[fmt]
        return Response(data, media_type=media, headers=headers)


def group_labels(proj: Projection) -> dict[str, str]:
    """Column and legend names of the projected groups (with their counts, never their members)."""
    labels = {}
    for g in proj.groups:
        if g.key == OTHERS:
            labels[g.key] = t("atelier.group.others")
        elif g.key == EVERYONE:
            labels[g.key] = t("atelier.group.everyone")
        else:
            labels[g.key] = role_group(g.key)
    return labels


def projection_wheel(proj: Projection, pack: Pack, labels: dict[str, str]) -> Any:
    from cooplevier.report.wheel import WheelSeries, wheel_svg

    series = [WheelSeries(t("wheel.group_mean"), {lid: lv.figure.mean for lid, lv in proj.levers.items()})]
    if proj.split:
        for g in proj.groups:
            series.append(
                WheelSeries(
                    t("wheel.role_series", role=labels[g.key], count=g.count),
                    {lid: lv.figure.cells.get(g.key) for lid, lv in proj.levers.items()},
                )
            )
    return wheel_svg(pack, series, title=t("wheel.group_title"), size=460)


def _xlsx(results: list[Any], pack: Pack, min_group: int) -> bytes:
    """scores.xlsx: a comment's role shown only for a role of the workshop's K people or more."""
    from cooplevier.report.office.workbook import row, write_workbook

    out = io.BytesIO()
    write_workbook((row(r, pack) for r in results), out, pack, comment_role_min=min_group)
    return out.getvalue()
