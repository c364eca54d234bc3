"""The console's words in Korean and English; each user reads one language."""

from __future__ import annotations

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"

TEXTS: dict[str, tuple[str, str]] = {
    "app_name": ("zonewatch", "zonewatch"),
    "skip_to_content": ("본문 바로가기", "Skip to content"),
    "nav_home": ("처음", "Home"),
    "nav_changes": ("변경 기록", "Change log"),
    "sign_in": ("로그인", "Sign in"),
    "sign_out": ("로그아웃", "Sign out"),
    "signed_in_as": ("로그인 사용자", "Signed in as"),
    "username": ("사용자 이름", "Username"),
    "password": ("비밀번호", "Password"),
    "login_failed": (
        "사용자 이름 또는 비밀번호가 올바르지 않습니다.",
        "The username or password is not right.",
    ),
    "login_limited": (
        "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
        "Too many sign-in attempts. Please try again later.",
    ),
    "welcome": ("zonewatch 콘솔입니다.", "This is the zonewatch console."),
    "watcher_home": (
        "구독 설정은 알림 메일에 있는 링크로 바꿀 수 있습니다.",
        "You can change your subscriptions through the link in any alert mail.",
    ),
    "changes_title": ("변경 기록", "Change log"),
    "filters": ("필터", "Filters"),
    "apply": ("적용", "Apply"),
    "reset": ("초기화", "Reset"),
    "entity": ("대상 (구역·프로그램)", "Entity (zone or programme)"),
    "zone_type": ("구역 유형", "Zone type"),
    "topic": ("주제", "Topic"),
    "source": ("출처", "Source"),
    "kind": ("변경 종류", "Kind of change"),
    "status": ("검토 상태", "Review status"),
    "since": ("발표일 부터", "Released from"),
    "until": ("발표일 까지", "Released until"),
    "detected_since": ("감지일 부터", "Detected from"),
    "detected_until": ("감지일 까지", "Detected until"),
    "min_significance": ("최소 중요도 (0–1)", "Minimum significance (0–1)"),
    "baseline": ("기준선 기록", "Baseline records"),
    "baseline_show": ("표시", "show"),
    "baseline_hide": ("숨김", "hide"),
    "baseline_only": ("기준선만", "only"),
    "any": ("전체", "any"),
    "released": ("발표일", "Released"),
    "detected": ("감지", "Detected"),
    "no_release_date": ("발표일 없음", "no release date"),
    "baseline_marker": ("기준선", "baseline"),
    "baseline_note": (
        "기준선: 모니터링 시작 전에 이미 발표된 자료입니다.",
        "Baseline: already released when monitoring began.",
    ),
    "title": ("제목", "Title"),
    "significance": ("중요도", "Significance"),
    "no_changes": ("조건에 맞는 변경이 없습니다.", "No change matches these filters."),
    "hidden_baselines": ("숨긴 기준선 기록", "baseline records hidden"),
    "previous": ("이전", "Previous"),
    "next": ("다음", "Next"),
    "page": ("쪽", "Page"),
    "change": ("변경", "Change"),
    "summary": ("요약", "Summary"),
    "document": ("원문", "Document"),
    "entities": ("대상", "Entities"),
    "topics": ("주제", "Topics"),
    "evidence": ("근거", "Evidence"),
    "related": ("관련 기록", "Related record"),
    "review": ("검토", "Review"),
    "reviewed_by": ("검토자", "Reviewed by"),
    "note": ("메모", "Note"),
    "back_to_log": ("변경 기록으로", "Back to the change log"),
    "forbidden": ("이 페이지를 볼 권한이 없습니다.", "You may not see this page."),
    "csrf_refused": (
        "양식이 만료되었거나 다른 사이트에서 보낸 요청입니다. "
        "페이지를 새로 고친 뒤 다시 시도해 주세요.",
        "The form expired or came from another site. Reload the page and try again.",
    ),
    "not_found": ("찾을 수 없습니다.", "Not found."),
    "bad_request": ("요청을 처리할 수 없습니다.", "The request cannot be handled."),
    "too_large": ("요청이 너무 큽니다.", "The request is too large."),
    "language": ("언어", "Language"),
    # personal tokens, Atom feeds and the API
    "nav_tokens": ("토큰", "Tokens"),
    "tokens_title": ("개인 토큰", "Personal tokens"),
    "tokens_intro": (
        "개인 토큰으로 피드 리더나 스크립트가 내 권한으로 Atom 피드와 API를 읽습니다.",
        "A personal token lets a feed reader or a script read the Atom feeds and the API "
        "with your rights.",
    ),
    "token": ("토큰", "Token"),
    "token_issued": ("새 토큰", "New token"),
    "token_shown_once": (
        "이 토큰은 지금 한 번만 보입니다. 복사해서 안전한 곳에 두세요.",
        "This token is shown only now. Copy it and keep it somewhere safe.",
    ),
    "token_feed_usage": ("피드", "Feeds"),
    "token_api_usage": ("API", "API"),
    "token_new": ("토큰 만들기", "Make a token"),
    "token_name": ("이름 (쓰는 곳)", "Name (what uses it)"),
    "token_create": ("만들기", "Make"),
    "token_list": ("내 토큰", "My tokens"),
    "token_starts_with": ("앞부분", "Starts with"),
    "token_made": ("만든 때", "Made"),
    "token_last_used": ("마지막 사용", "Last used"),
    "token_never_used": ("사용 안 함", "Never"),
    "token_revoke": ("폐기", "Revoke"),
    "token_none": ("토큰이 없습니다.", "You have no tokens."),
    "feed_changes": ("zonewatch 변경 기록", "zonewatch change log"),
    "feed_entity": ("zonewatch 변경 기록 · 대상", "zonewatch change log · entity"),
    "feed_topic": ("zonewatch 변경 기록 · 주제", "zonewatch change log · topic"),
    "feed_source": ("zonewatch 변경 기록 · 출처", "zonewatch change log · source"),
}


def text(key: str, language: str) -> str:
    korean, english = TEXTS[key]
    return english if language == "en" else korean


def negotiate(accept_language: str | None) -> str:
    """The language for a visitor who has not signed in: English when the browser puts it
    before Korean, else Korean."""
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        if tag.startswith("ko"):
            return "ko"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE
