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
    # preferences (a watcher's own page, reached through the link in every mail)
    "prefs_title": ("메일 구독 설정", "Your zonewatch mail"),
    "prefs_for": ("받는 주소", "Sent to"),
    "prefs_bad_link": (
        "유효하지 않거나 만료된 링크입니다. 가장 최근 메일에 있는 링크 전체를 사용해 주세요.",
        "This link is not valid or has expired. Please use the whole link from your latest mail.",
    ),
    "prefs_mail": ("메일 받기", "Mail"),
    "prefs_status_active": ("받는 중", "On: you get mail"),
    "prefs_status_paused": ("일시 중지됨: 메일을 보내지 않습니다", "Paused: no mail is sent"),
    "prefs_status_suspended": (
        "중지됨: 이 주소로 메일이 여러 번 반송되었습니다",
        "Stopped: mail to this address bounced several times",
    ),
    "prefs_status_unsubscribed": (
        "구독 해지됨: 메일을 보내지 않습니다",
        "Unsubscribed: no mail is sent",
    ),
    "prefs_pause": ("모든 메일 일시 중지", "Pause all mail"),
    "prefs_resume": ("메일 다시 받기", "Resume mail"),
    "prefs_resubscribe": (
        "다시 구독하기 (모든 구독을 다시 켭니다)",
        "Subscribe again (turns every subscription back on)",
    ),
    "prefs_language": ("메일 언어", "Language of the mails"),
    "prefs_save": ("저장", "Save"),
    "prefs_subscriptions": ("구독", "Subscriptions"),
    "prefs_none": ("구독이 없습니다. 아래에서 추가하세요.", "No subscriptions yet. Add one below."),
    "prefs_follows": ("받는 내용", "What it follows"),
    "prefs_everything": ("모든 변경", "every change"),
    "prefs_how": ("받는 방식", "How"),
    "prefs_delivery": ("발송 방식", "Delivery"),
    "prefs_delivery_immediate": ("즉시 알림", "Immediate alert"),
    "prefs_delivery_daily": ("일일 요약", "Daily digest"),
    "prefs_delivery_weekly": ("주간 요약", "Weekly digest"),
    "prefs_hour": ("요약 발송 시각 (0–23시)", "Digest hour (0–23)"),
    "prefs_on": ("켜짐", "on"),
    "prefs_off": ("꺼짐", "off"),
    "prefs_active": ("이 구독 켜기", "This subscription is on"),
    "prefs_remove": ("구독 삭제", "Remove"),
    "prefs_add": ("구독 추가", "Add a subscription"),
    "prefs_add_hint": (
        "입력한 조건을 모두 만족하는 변경만 받습니다. 비워 둔 조건은 모두 포함합니다.",
        "You get changes that match every criterion you give; empty ones match everything.",
    ),
    "prefs_entity": (
        "구역·사업 (이름 또는 ID, 예: IFEZ, 송도)",
        "Zone or programme (any name or id, e.g. IFEZ, 송도)",
    ),
    "prefs_keyword": ("검색어 (제목이나 본문에 포함)", "Keyword (in the title or text)"),
    "prefs_content_language": ("문서 언어", "Language of the documents"),
    "prefs_min_significance": ("최소 중요도 (0–1)", "Minimum significance (0–1)"),
    "prefs_timezone": ("시간대", "Time zone"),
    "prefs_saved_language": ("메일 언어를 바꿨습니다.", "The language of your mails is changed."),
    "prefs_saved_pause": ("모든 메일을 일시 중지했습니다.", "All mail is paused."),
    "prefs_saved_resume": ("메일을 다시 보냅니다.", "You get mail again."),
    "prefs_saved_add": ("구독을 추가했습니다.", "The subscription is added."),
    "prefs_saved_change": ("구독을 바꿨습니다.", "The subscription is changed."),
    "prefs_saved_remove": ("구독을 삭제했습니다.", "The subscription is removed."),
    "lang_ko": ("한국어", "Korean (한국어)"),
    "lang_en": ("영어 (English)", "English"),
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
