"""The console's words in Korean and English; each user reads one language."""

from __future__ import annotations

from enum import StrEnum

from zonewatch.alerts.wording import KIND_LABELS

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
    "atom_feed": ("Atom 피드", "Atom feed"),
    "view_feed": (
        "이 보기의 Atom 피드 (피드 리더에는 개인 토큰을 붙이세요: ?token=…)",
        "This view as an Atom feed (for a feed reader, add a personal token: ?token=…)",
    ),
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
    # entities and proposals
    "nav_entities": ("구역·프로그램", "Entities"),
    "nav_proposals": ("모델 변경 제안", "Model proposals"),
    "entities_title": ("구역·프로그램", "Zones and programmes"),
    "entities_back": ("구역·프로그램 목록으로", "Back to the entities"),
    "entity_search_label": (
        "이름·약칭·별칭·지역명 또는 ID",
        "Name, abbreviation, alias, region name or id",
    ),
    "entity_search": ("찾기", "Search"),
    "entity_exact": ("이 이름의 대상", "Entities with this name"),
    "entity_similar": ("이름에 이 말이 들어간 대상", "Entities whose names contain it"),
    "entity_ambiguous": (
        "이 이름은 여러 대상을 가리킵니다. 하나를 고르세요",
        "This name stands for several entities; choose one",
    ),
    "entity_none": ("이 이름의 대상이 없습니다.", "No entity has this name."),
    "entity_id": ("ID", "Id"),
    "entity_name": ("이름", "Name"),
    "entity_kind": ("종류", "Kind"),
    "entity_parent": ("상위", "Parent"),
    "entity_matched": ("일치한 이름", "Matched name"),
    "entity_retired": ("폐지됨", "retired"),
    "entity_via_id": ("ID", "id"),
    "entity_via_name": ("공식 이름", "official name"),
    "entity_via_abbreviation": ("약칭", "abbreviation"),
    "entity_via_alias": ("별칭", "alias"),
    "entity_via_former": ("옛 이름", "former name"),
    "entity_via_weak": ("약한 별칭", "weak alias"),
    "entity_via_region": ("지역명", "region name"),
    "entity_authority": ("관할 기관", "Authority"),
    "entity_region": ("지역", "Region"),
    "entity_valid": ("유효 기간", "Valid"),
    "entity_now": ("현재", "now"),
    "entity_names": ("이름과 별칭", "Names and aliases"),
    "entity_name_kind": ("구분", "Kind of name"),
    "entity_children": ("하위 지구", "Districts and parts"),
    "entity_change_log": (
        "이 대상(하위 포함)의 변경 기록 보기",
        "Change log of this entity and what lies below it",
    ),
    "entity_timeline": ("타임라인 (발표일 순)", "Timeline (by release date)"),
    "entity_timeline_note": (
        "하위 지구를 포함합니다. 모델 변경은 발표일이 없어 적용 시각에 놓입니다.",
        "Includes what lies below. Model changes have no release date: "
        "they sit at the time they were applied.",
    ),
    "entity_no_events": ("기록된 일이 없습니다.", "Nothing recorded yet."),
    "entity_history": ("모델 변경 이력", "Model history"),
    "entity_no_history": ("모델 변경 이력이 없습니다.", "No model changes."),
    "entity_action": ("변경", "Action"),
    "entity_decided_by": ("결정", "Decided by"),
    "entity_what_changed": ("바뀐 내용", "What changes"),
    "entity_effective": ("효력일", "Effective"),
    "proposals_title": ("모델 변경 제안", "Model-change proposals"),
    "proposals_intro": (
        "보도자료가 알린 구역 지정·해제·변경입니다. "
        "수락하면 모델에 반영되고 구독자에게 알림이 갑니다.",
        "Designations, lifts and changes that releases report. Accepting one applies it to "
        "the model and alerts its subscribers.",
    ),
    "proposals_none": ("해당하는 제안이 없습니다.", "No proposals here."),
    "proposal_status": ("상태", "Status"),
    "proposal_status_proposed": ("검토 대기", "pending"),
    "proposal_status_accepted": ("수락됨", "accepted"),
    "proposal_status_rejected": ("거절됨", "rejected"),
    "proposal_status_all": ("전체", "all"),
    "proposal_note": ("메모 (결정 이유)", "Note (why)"),
    "proposal_accept": ("수락", "Accept"),
    "proposal_reject": ("거절", "Reject"),
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
    # labels of machine values (polish)
    "health_reason": ("상태 사유 (수집 기록, 영어)", "Health reason (crawl log)"),
    "run_reasons": ("오류 사유 (수집 기록, 영어)", "Error reasons (crawl log)"),
}


class Vocabulary(StrEnum):
    """The families of machine values the console shows; each value has a word per language."""

    CHANGE_KIND = "change_kind"
    REVIEW_STATUS = "review_status"
    SOURCE_KIND = "source_kind"
    RUN_STATUS = "run_status"
    RUN_TRIGGER = "run_trigger"
    MODEL_ACTION = "model_action"
    MODEL_STATUS = "model_status"
    MODEL_ORIGIN = "model_origin"
    ENTITY_KIND = "entity_kind"
    DELIVERY = "delivery"
    ROLE = "role"
    DOCUMENT_STATUS = "document_status"
    LANGUAGE = "language"


LABELS: dict[Vocabulary, dict[str, tuple[str, str]]] = {
    Vocabulary.CHANGE_KIND: {
        **KIND_LABELS,
        **{
            f"model_{action}": words
            for action, words in {
                "create": ("구역 추가", "Zone added"),
                "retire": ("구역 폐지", "Zone retired"),
                "rename": ("명칭 변경", "Renamed"),
                "lift": ("지정 해제", "Lifted"),
                "designate": ("지정", "Designated"),
                "reduce": ("축소", "Reduced"),
                "expand": ("확대", "Expanded"),
                "reform": ("제도 개편", "Reformed"),
                "update": ("정보 수정", "Updated"),
            }.items()
        },
    },
    Vocabulary.REVIEW_STATUS: {
        "new": ("미검토", "New"),
        "reviewed": ("검토 완료", "Reviewed"),
        "noise": ("잡음", "Noise"),
        "important": ("중요", "Important"),
    },
    Vocabulary.SOURCE_KIND: {
        "board": ("게시판", "Board"),
        "feed": ("피드", "Feed"),
        "api": ("API", "API"),
    },
    Vocabulary.RUN_STATUS: {
        "queued": ("대기", "Queued"),
        "running": ("실행 중", "Running"),
        "ok": ("성공", "OK"),
        "partial": ("일부 성공", "Partial"),
        "failed": ("실패", "Failed"),
        "skipped": ("건너뜀", "Skipped"),
    },
    Vocabulary.RUN_TRIGGER: {
        "schedule": ("일정", "schedule"),
        "manual": ("수동", "manual"),
        "demo": ("데모", "demo"),
    },
    Vocabulary.MODEL_ACTION: {
        "create": ("추가", "Add"),
        "retire": ("폐지", "Retire"),
        "rename": ("명칭 변경", "Rename"),
        "lift": ("지정 해제", "Lift"),
        "designate": ("지정", "Designate"),
        "reduce": ("축소", "Reduce"),
        "expand": ("확대", "Expand"),
        "reform": ("제도 개편", "Reform"),
        "update": ("정보 수정", "Update"),
    },
    Vocabulary.MODEL_STATUS: {
        "proposed": ("검토 대기", "Pending"),
        "accepted": ("수락됨", "Accepted"),
        "rejected": ("거절됨", "Rejected"),
        "applied": ("적용됨", "Applied"),
    },
    Vocabulary.MODEL_ORIGIN: {
        "config": ("설정 파일 (zones.yaml)", "configuration (zones.yaml)"),
        "document": ("보도자료", "a release"),
    },
    Vocabulary.ENTITY_KIND: {
        "authority": ("관할 기관", "Authority"),
        "zone_system": ("구역 제도", "Zone system"),
        "fez": ("경제자유구역", "Free economic zone"),
        "fez_district": ("경제자유구역 지구", "FEZ district"),
        "industrial_complex": ("산업단지", "Industrial complex"),
        "zone_type": ("구역 유형", "Zone type"),
        "special_zone": ("특구", "Special zone"),
        "programme": ("사업", "Programme"),
        "body": ("기관", "Body"),
        "cluster": ("클러스터", "Cluster"),
        "district": ("지구", "District"),
    },
    Vocabulary.DELIVERY: {
        "immediate": TEXTS["prefs_delivery_immediate"],
        "daily": TEXTS["prefs_delivery_daily"],
        "weekly": TEXTS["prefs_delivery_weekly"],
    },
    Vocabulary.ROLE: {
        "admin": ("관리자", "Admin"),
        "operator": ("운영자", "Operator"),
        "analyst": ("분석가", "Analyst"),
        "watcher": ("구독자", "Watcher"),
    },
    Vocabulary.DOCUMENT_STATUS: {
        "active": ("게시 중", "Online"),
        "withdrawn": ("삭제됨", "Withdrawn"),
    },
    Vocabulary.LANGUAGE: {
        "ko": TEXTS["lang_ko"],
        "en": TEXTS["lang_en"],
    },
}


def label(vocabulary: Vocabulary | str, value: object, language: str) -> str:
    """A machine value as a reader says it. The value stays in form fields and URLs; only
    what people read is translated. A value with no word is a missing translation to add
    here, so it raises instead of showing the raw key."""
    words = LABELS[Vocabulary(vocabulary)]
    key = str(getattr(value, "value", value))
    if key not in words:
        raise KeyError(f"no {vocabulary} label for {key!r} (add it to i18n.LABELS)")
    korean, english = words[key]
    return english if language == "en" else korean


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
