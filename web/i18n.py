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
    # operators, admin, account
    "nav_sources": ("출처", "Sources"),
    "nav_users": ("사용자", "Users"),
    "nav_account": ("내 계정", "My account"),
    "sources_title": ("출처 상태", "Sources"),
    "no_sources": ("등록된 출처가 없습니다.", "No source is set up."),
    "health": ("상태", "Health"),
    "health_unknown": ("아직 수집 안 됨", "not crawled yet"),
    "health_healthy": ("정상", "healthy"),
    "health_slow": ("느림", "slow"),
    "health_degraded": ("일부 오류", "degraded"),
    "health_failing": ("실패", "failing"),
    "health_broken": ("고장", "broken"),
    "health_skipped": ("건너뜀", "skipped"),
    "state_paused": ("일시 중지", "paused"),
    "state_disabled": ("사용 안 함", "disabled"),
    "paused_by": ("중지한 사람", "paused by"),
    "last_run": ("최근 수집", "Last run"),
    "next_run": ("다음 수집", "Next run"),
    "schedule": ("일정", "Schedule"),
    "last_run_items": ("최근 수집 항목", "Items (last run)"),
    "last_run_errors": ("최근 수집 오류", "Errors (last run)"),
    "back_to_sources": ("출처 목록으로", "Back to the sources"),
    "crawl_queued": ("수집이 대기열에 들어갔습니다.", "The crawl is queued."),
    "run": ("실행", "Run"),
    "worker_alive": ("수집을 맡을 작업자", "Workers taking crawls"),
    "no_worker": (
        "수집 대기열을 맡은 작업자가 없습니다. 작업자가 시작될 때까지 수집은 기다립니다"
        " (`zonewatch worker`).",
        "No worker is taking the crawl queue: the crawl waits until one starts"
        " (`zonewatch worker`).",
    ),
    "streak": ("연속 결과", "Streak"),
    "mean_duration": ("평균 소요 (초)", "Mean duration (s)"),
    "actions": ("작업", "Actions"),
    "crawl_now": ("지금 수집", "Crawl now"),
    "pause": ("일시 중지", "Pause"),
    "resume": ("다시 시작", "Resume"),
    "pause_reason": ("중지 사유", "Reason for pausing"),
    "run_history": ("수집 기록", "Run history"),
    "run_status": ("결과", "Result"),
    "started": ("시작", "Started"),
    "duration": ("소요", "Duration"),
    "items": ("항목", "Items"),
    "new": ("새", "new"),
    "changed": ("변경", "changed"),
    "errors": ("오류", "Errors"),
    "no_runs": ("아직 수집 기록이 없습니다.", "No crawl run yet."),
    "page_check": ("저장된 최근 페이지 점검", "Check of the last stored pages"),
    "page_check_note": (
        "`zonewatch sources check`와 같은 점검을 수집이 마지막으로 저장한 페이지에 합니다.",
        "The same check as `zonewatch sources check`, on the pages the crawls stored last.",
    ),
    "unchecked_not_a_board": (
        "피드와 API 출처에는 점검할 선택자가 없습니다.",
        "Feeds and APIs have no page selectors to check.",
    ),
    "unchecked_nothing_stored": (
        "이 출처의 페이지가 아직 저장되지 않았습니다.",
        "No page of this source is stored yet.",
    ),
    "unchecked_bad_configuration": (
        "저장된 출처 설정이 올바르지 않아 점검할 수 없습니다 (`zonewatch init`으로 다시 적용).",
        "The stored configuration of this source does not validate (apply it again with"
        " `zonewatch init`).",
    ),
    "check_ok": ("설정에 맞음", "Fits the configuration"),
    "check_does_not_fit": ("설정에 맞지 않음", "Does not fit the configuration"),
    "setting": ("설정", "Setting"),
    "matches": ("일치 수", "Matches"),
    "selector": ("선택자", "Selector"),
    "error": ("오류", "error"),
    "warning": ("경고", "warning"),
    "users_title": ("사용자 관리", "Users"),
    "role": ("역할", "Role"),
    "last_login": ("최근 로그인", "Last sign-in"),
    "new_role": ("새 역할", "New role"),
    "change_role": ("역할 변경", "Change role"),
    "remove_user": ("삭제", "Remove"),
    "add_user": ("사용자 추가", "Add a user"),
    "initial_password": ("처음 비밀번호", "Initial password"),
    "account_title": ("내 계정", "My account"),
    "saved": ("저장했습니다.", "Saved."),
    "password_changed": (
        "비밀번호를 바꿨습니다. 다른 기기에서는 로그아웃되었습니다.",
        "Password changed. Other devices are signed out.",
    ),
    "language_ko": ("한국어", "Korean"),
    "language_en": ("영어", "English"),
    "save": ("저장", "Save"),
    "change_password": ("비밀번호 변경", "Change password"),
    "current_password": ("현재 비밀번호", "Current password"),
    "new_password": ("새 비밀번호", "New password"),
    "repeat_password": ("새 비밀번호 확인", "Repeat the new password"),
    # search, saved filters, new since last visit, export
    "search": ("검색", "Search"),
    "search_hint": (
        "제목·요약·문서 본문에 모든 낱말이 들어 있는 변경 (두 글자 낱말도 됩니다)",
        "Changes whose title, summary or document text holds every word (two-letter words too)",
    ),
    "only_new": ("지난 방문 이후 새 변경만", "Only changes new since my last visit"),
    "new_marker": ("새 변경", "New"),
    "new_note": (
        "지난 방문 이후 기록에 추가된 변경",
        "Added to the log since your last visit",
    ),
    "mark_all_seen": ("모두 본 것으로 표시", "Mark all seen"),
    "saved_filters": ("저장한 필터", "Saved filters"),
    "no_saved_filters": ("저장한 필터가 없습니다.", "No saved filters yet."),
    "filter_name": ("이 보기의 이름", "Name of this view"),
    "save_filter": ("현재 필터 저장", "Save the current filter"),
    "delete_filter": ("삭제", "Delete"),
    "export": ("내보내기", "Export"),
    "export_csv": ("이 보기를 CSV로", "This view as CSV"),
    "export_json": ("이 보기를 JSON으로", "This view as JSON"),
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
