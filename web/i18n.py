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
    # change page, review, snapshots
    "release_from_document": ("원문의 날짜", "the document's date"),
    "minor_change": ("경미한 변경", "minor"),
    "versions": ("버전", "Versions"),
    "model_change": ("모델 변경", "Model change"),
    "diff": ("변경 내용", "What changed"),
    "diff_inline": ("한 줄로 보기", "Inline"),
    "diff_side": ("나란히 보기", "Side by side"),
    "diff_part_title": ("제목", "Title"),
    "diff_part_body": ("본문", "Body"),
    "diff_deleted": ("삭제", "deleted"),
    "diff_inserted": ("추가", "added"),
    "diff_coarse": (
        "변경이 커서 문장 단위로 비교했습니다",
        "compared sentence by sentence: the change is large",
    ),
    "words": ("단어", "words"),
    "before": ("이전", "Before"),
    "after": ("이후", "After"),
    "facts": ("바뀐 수치", "Figures that changed"),
    "metric": ("항목", "Figure"),
    "linked_by": ("연결한 단어", "linked by"),
    "related_records": ("관련 기록", "Related records"),
    "relation_corrects": ("정정·재게시 대상", "corrects or repeats"),
    "relation_corrected_by": ("이 기록의 정정·재게시", "corrected or repeated by"),
    "relation_same_event": ("같은 게시의 다른 기록", "same edit"),
    "relation_appearance": ("다른 출처의 같은 발표", "same release elsewhere"),
    "action_reviewed": ("검토 완료", "Reviewed"),
    "action_noise": ("잡음", "Noise"),
    "action_important": ("중요", "Important"),
    "action_note": ("메모만 저장", "Save note only"),
    "select_change": ("선택", "Select change"),
    "bulk_review": ("선택한 변경 일괄 검토", "Review the selected changes"),
    "bulk_note": ("선택한 변경에 남길 메모", "Note for the selected changes"),
    "bulk_action_reviewed": ("선택 항목 검토 완료", "Mark selected reviewed"),
    "bulk_action_noise": ("선택 항목 잡음", "Mark selected noise"),
    "bulk_action_important": ("선택 항목 중요", "Mark selected important"),
    "bulk_action_note": ("선택 항목에 메모", "Add note to selected"),
    "attachments": ("첨부 파일", "Attachments"),
    "file_added": ("추가", "added"),
    "file_removed": ("삭제", "removed"),
    "file_replaced": ("교체", "replaced"),
    "version_recorded": ("버전 기록", "Version recorded"),
    "extracted_text": ("추출한 본문", "Extracted text"),
    "stored_page": ("저장된 원본 페이지", "Stored page"),
    "fetched": ("수집", "Fetched"),
    "fetched_from": ("수집 주소", "Fetched from"),
    "stored_page_note": (
        "수집한 HTML을 실행하지 않고 소스 그대로 보여 줍니다.",
        "The fetched HTML is shown as source text; nothing in it runs.",
    ),
    "download_stored_page": ("원본 내려받기 (텍스트)", "Download the stored page (as text)"),
    "stored_page_truncated": (
        "너무 길어 앞부분만 보여 줍니다. 전체는 내려받아 보세요.",
        "Only the beginning is shown; download the page for all of it.",
    ),
    "no_stored_page": (
        "이 버전은 원본 페이지를 저장하지 않았습니다.",
        "No raw page was stored for this version.",
    ),
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
