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
