"""Demo Family Academy: a year of offerings around the current month, some full with
waitlists, attendance for past sessions, and the registrations of ``family@demo.test``.

Idempotent and deterministic: every offering has a stable slug and is created only when that
slug is missing; dates are computed from the first day of the current month (Los Angeles), and
nothing depends on the time of day the seeder runs. The registrants are the demo accounts,
which exist before this runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.academy import texts
from app.academy.models import (
    CAPTIONS,
    IN_PERSON,
    INSTRUCTION,
    INTERPRETATION,
    ONLINE,
    PATHWAY,
    PUBLISHED,
    VIDEO,
    WEBINAR,
    AcademySession,
    Attendance,
    Offering,
    OfferingLanguage,
    Registration,
)
from app.academy.services import update_completion
from app.accounts.models import User
from app.content import services as content
from app.extensions import db
from app.timeutil import DISTRICT_TZ, to_district, utcnow

DACE = "Division of Adult and Career Education (DACE)"
FAMILY = "family@demo.test"
# Every demo account but the family's, as other families in the rosters.
OTHERS = (
    "staff@demo.test",
    "enrollment@demo.test",
    "translator.es@demo.test",
    "reviewer.es@demo.test",
    "academy@demo.test",
    "admin@demo.test",
)
AREAS = (("90011", "central"), (None, "east"), ("91331", None), (None, None), ("90044", "south"))

WEBINARS = [
    (
        "achievement",
        "reading-together-at-home",
        "Reading together at home",
        "Simple daily habits that build strong readers, from picture books to chapter books.",
    ),
    (
        "healthy_families",
        "sleep-screens-and-school",
        "Sleep, screens and school",
        "How rest and screen time affect learning, and routines that work for busy families.",
    ),
    (
        "civic",
        "your-voice-at-school-site-council",
        "Your voice on the School Site Council",
        "What the council decides, how elections work, and how to take part.",
    ),
    (
        "career",
        "a-career-path-for-parents",
        "A career path for parents with DACE",
        "Free adult classes, certificates and English courses from the Division of Adult and "
        "Career Education.",
    ),
    (
        "achievement",
        "understanding-report-cards",
        "Understanding your child's report card",
        "What the marks mean, what to ask the teacher, and how to help at home.",
    ),
    (
        "healthy_families",
        "staying-safe-online",
        "Staying safe online",
        "Online bullying and grooming: warning signs and what to do.",
    ),
    (
        "civic",
        "lcap-budget-explained",
        "The school budget (LCAP) explained",
        "How the district decides what to fund and where families can comment.",
    ),
    (
        "career",
        "college-and-career-planning",
        "College and career planning from grade 6",
        "A-G requirements, Linked Learning and CTE pathways, and financial aid basics.",
    ),
    (
        "achievement",
        "math-at-home",
        "Math at home, without tears",
        "Games and everyday moments that build number sense.",
    ),
    (
        "healthy_families",
        "healthy-meals-on-a-budget",
        "Healthy meals on a budget",
        "School meals, CalFresh, and quick recipes children like.",
    ),
    (
        "civic",
        "attendance-matters",
        "Every day counts: attendance",
        "Why attendance matters, and help when getting to school is hard.",
    ),
    (
        "career",
        "summer-jobs-for-teens",
        "Summer jobs and internships for teens",
        "Programs for students 14 and older, and how to apply.",
    ),
]
INTERPRETATION_SETS = (("es", "ko"), ("es", "zh_Hans", "vi"), ("es", "hy", "fa"), ("es", "ko"))

PATHWAYS = [
    # topic, slug, title, description, weeks from the anchor, weekday, seats, format. Weekdays differ so that the family's places never overlap.
    (
        "multilingual",
        "pathway-multilingual-learners",
        "Supporting multilingual learners",
        "Eight weeks on English learner programs, reclassification and the Seal of Biliteracy.",
        -12,
        3,
        30,
        ONLINE,
    ),
    (
        "disabilities",
        "pathway-students-with-disabilities",
        "Students with disabilities: the IEP",
        "Eight weeks to understand the IEP, services, and how to advocate with the school.",
        -3,
        2,
        30,
        ONLINE,
    ),
    (
        "black_families",
        "pathway-black-african-american-families",
        "Black and African American families: thriving at school",
        "Eight weeks with Black Student Achievement Plan staff on resources, advocacy and "
        "college readiness.",
        6,
        0,
        40,
        ONLINE,
    ),
    (
        "early_childhood",
        "pathway-early-childhood",
        "Early childhood: ready for kindergarten",
        "Eight in-person evenings on play, early literacy, and TK enrollment.",
        8,
        3,
        3,
        IN_PERSON,
    ),
]

VIDEOS = [
    (
        "achievement",
        "video-parent-portal-in-5-minutes",
        "The Parent Portal in 5 minutes",
        5,
    ),
    (
        "healthy_families",
        "video-bedtime-routine",
        "A bedtime routine that works",
        4,
    ),
    (
        "career",
        "video-fafsa-basics",
        "Financial aid basics (FAFSA and Dream Act)",
        7,
    ),
]

SMALL_WORKSHOP = (
    "workshop-parent-teacher-conference",
    "Practice your parent–teacher conference",
    "A small-group, in-person workshop: prepare questions and practice in a friendly room.",
)

TRANSLATOR = "translator.es@demo.test"
REVIEWER = "reviewer.es@demo.test"

# Translations by slug: (title, description); a video's description is None, it shares
# VIDEO_WORDS.
TRANSLATIONS = {
    "reading-together-at-home": {
        "es": (
            "Leyendo juntos en casa",
            "Hábitos diarios sencillos que forman buenos lectores, desde los libros ilustrados hasta los libros por capítulos.",
        ),
        "zh_Hans": ("在家一起阅读", "从绘本到章节书，培养孩子阅读能力的简单日常习惯。"),
        "ko": ("집에서 함께 읽기", "그림책부터 챕터북까지, 읽기 실력을 키우는 간단한 생활 습관."),
    },
    "sleep-screens-and-school": {
        "es": (
            "El sueño, las pantallas y la escuela",
            "Cómo el descanso y el tiempo frente a las pantallas afectan el aprendizaje, y rutinas que funcionan para familias ocupadas.",
        ),
        "zh_Hans": ("睡眠、屏幕与学习", "休息和屏幕时间如何影响学习，以及适合忙碌家庭的作息安排。"),
        "ko": (
            "수면, 스크린, 그리고 학교",
            "휴식과 스크린 사용 시간이 학습에 미치는 영향, 그리고 바쁜 가정에 맞는 생활 습관.",
        ),
    },
    "your-voice-at-school-site-council": {
        "es": (
            "Su voz en el Concilio Escolar",
            "Qué decide el concilio, cómo funcionan las elecciones y cómo participar.",
        ),
        "zh_Hans": (
            "您在学校校务委员会中的声音",
            "委员会负责哪些决定、选举如何进行，以及如何参与。",
        ),
        "ko": (
            "학교운영위원회에서 내는 목소리",
            "위원회가 결정하는 일, 선거 방식, 그리고 참여하는 방법.",
        ),
    },
    "a-career-path-for-parents": {
        "es": (
            "Un camino profesional para padres con DACE",
            "Clases gratuitas para adultos, certificados y cursos de inglés de la División de Educación para Adultos y Profesional (DACE).",
        ),
        "zh_Hans": (
            "与 DACE 一起规划家长的职业道路",
            "成人与职业教育处（DACE）提供的免费成人课程、证书课程和英语课程。",
        ),
        "ko": (
            "DACE와 함께하는 학부모 진로 설계",
            "성인 및 직업 교육부(DACE)의 무료 성인 강좌, 자격증 과정, 영어 강좌.",
        ),
    },
    "understanding-report-cards": {
        "es": (
            "Cómo entender la boleta de calificaciones",
            "Qué significan las calificaciones, qué preguntarle al maestro y cómo ayudar en casa.",
        ),
        "zh_Hans": ("读懂孩子的成绩单", "成绩代表什么、可以向老师问些什么，以及如何在家提供帮助。"),
        "ko": (
            "자녀의 성적표 이해하기",
            "성적의 의미, 교사에게 물어볼 것, 그리고 가정에서 도와주는 방법.",
        ),
    },
    "staying-safe-online": {
        "es": (
            "Seguridad en internet",
            "El acoso y la manipulación en línea: señales de alerta y qué hacer.",
        ),
        "zh_Hans": ("网络安全", "网络欺凌和网络诱骗：警示信号及应对方法。"),
        "ko": ("온라인에서 안전하게 지내기", "온라인 괴롭힘과 그루밍: 경고 신호와 대처 방법."),
    },
    "lcap-budget-explained": {
        "es": (
            "El presupuesto escolar (LCAP) explicado",
            "Cómo decide el distrito qué financiar y dónde pueden opinar las familias.",
        ),
        "zh_Hans": (
            "学校预算（LCAP）解读",
            "学区如何决定资助哪些项目，以及家庭可以在哪里提出意见。",
        ),
        "ko": (
            "학교 예산(LCAP) 설명",
            "교육구가 예산 지원 대상을 정하는 방법과 가정이 의견을 낼 수 있는 곳.",
        ),
    },
    "college-and-career-planning": {
        "es": (
            "Planear la universidad y la carrera desde el sexto grado",
            "Los requisitos A-G, los programas Linked Learning y CTE, y lo básico de la ayuda financiera.",
        ),
        "zh_Hans": (
            "从六年级开始规划大学与职业",
            "A-G 课程要求、Linked Learning 和 CTE 职业技术教育路径，以及助学金基础知识。",
        ),
        "ko": (
            "6학년부터 시작하는 대학 및 진로 계획",
            "A-G 이수 요건, Linked Learning 및 CTE 과정, 학자금 지원 기초.",
        ),
    },
    "math-at-home": {
        "es": (
            "Matemáticas en casa, sin lágrimas",
            "Juegos y momentos cotidianos que desarrollan el sentido numérico.",
        ),
        "zh_Hans": ("在家轻松学数学", "培养数感的游戏和日常时刻。"),
        "ko": ("집에서 즐겁게 하는 수학", "수 감각을 키워 주는 놀이와 일상 속 순간들."),
    },
    "healthy-meals-on-a-budget": {
        "es": (
            "Comidas saludables con poco dinero",
            "Las comidas escolares, CalFresh y recetas rápidas que les gustan a los niños.",
        ),
        "zh_Hans": ("花小钱吃得健康", "学校餐、CalFresh 食品补助，以及孩子喜欢的快手食谱。"),
        "ko": (
            "적은 비용으로 건강한 식사",
            "학교 급식, CalFresh, 그리고 아이들이 좋아하는 간단한 요리법.",
        ),
    },
    "attendance-matters": {
        "es": (
            "Cada día cuenta: la asistencia",
            "Por qué importa la asistencia, y ayuda cuando llegar a la escuela es difícil.",
        ),
        "zh_Hans": ("每一天都重要：出勤", "出勤为什么重要，以及上学有困难时可以获得的帮助。"),
        "ko": (
            "하루하루가 소중합니다: 출석",
            "출석이 중요한 이유, 그리고 등교가 어려울 때 받을 수 있는 도움.",
        ),
    },
    "summer-jobs-for-teens": {
        "es": (
            "Empleos de verano y prácticas para adolescentes",
            "Programas para estudiantes de 14 años en adelante, y cómo presentar una solicitud.",
        ),
        "zh_Hans": ("青少年暑期工作与实习", "面向 14 岁及以上学生的项目，以及申请方法。"),
        "ko": ("청소년 여름 일자리와 인턴십", "14세 이상 학생을 위한 프로그램과 신청 방법."),
    },
    "workshop-parent-teacher-conference": {
        "es": (
            "Practique su reunión con el maestro",
            "Un taller presencial en grupo pequeño: prepare sus preguntas y practique en un ambiente amable.",
        ),
        "zh_Hans": ("家长会模拟练习", "小组现场工作坊：在轻松友好的氛围中准备问题并进行练习。"),
        "ko": (
            "학부모-교사 상담 연습하기",
            "소규모 대면 워크숍: 편안한 분위기에서 질문을 준비하고 연습합니다.",
        ),
    },
    "pathway-multilingual-learners": {
        "es": (
            "Apoyo a estudiantes multilingües",
            "Ocho semanas sobre los programas para estudiantes de inglés, la reclasificación y el Sello de Alfabetización Bilingüe.",
        ),
        "zh_Hans": (
            "支持多语言学习者",
            "为期八周，介绍英语学习者项目、重新分类和双语能力认证（Seal of Biliteracy）。",
        ),
        "ko": (
            "다중언어 학습자 지원",
            "영어 학습자 프로그램, 재분류, 이중언어 인증(Seal of Biliteracy)에 관한 8주 과정.",
        ),
    },
    "pathway-students-with-disabilities": {
        "es": (
            "Estudiantes con discapacidades: el IEP",
            "Ocho semanas para entender el IEP, los servicios y cómo abogar por su hijo ante la escuela.",
        ),
        "zh_Hans": (
            "残障学生：个别化教育计划（IEP）",
            "为期八周，了解 IEP、相关服务，以及如何与学校沟通、为孩子争取权益。",
        ),
        "ko": (
            "장애 학생: 개별화 교육 프로그램(IEP)",
            "IEP와 관련 서비스를 이해하고, 학교와 협력하며 자녀를 대변하는 방법을 배우는 8주 과정.",
        ),
    },
    "pathway-black-african-american-families": {
        "es": (
            "Familias afroamericanas: prosperar en la escuela",
            "Ocho semanas con el personal del Plan de Logro Estudiantil Afroamericano sobre recursos, defensa de derechos y preparación para la universidad.",
        ),
        "zh_Hans": (
            "非裔美国人家庭：在学校茁壮成长",
            "为期八周，与黑人学生成就计划工作人员一起了解资源、权益倡导和升学准备。",
        ),
        "ko": (
            "흑인 및 아프리카계 미국인 가정: 학교에서 성장하기",
            "흑인 학생 성취 계획 담당자와 함께 자원, 권익 옹호, 대학 준비를 다루는 8주 과정.",
        ),
    },
    "pathway-early-childhood": {
        "es": (
            "Primera infancia: listos para el kínder",
            "Ocho tardes presenciales sobre el juego, la lectoescritura temprana y la inscripción en TK.",
        ),
        "zh_Hans": (
            "幼儿期：为上幼儿园做好准备",
            "八个晚上的现场课程，内容包括游戏、早期读写能力和过渡幼儿园（TK）报名。",
        ),
        "ko": (
            "유아기: 유치원 준비",
            "놀이, 초기 문해력, TK(전환 유치원) 등록에 관한 8회 저녁 대면 과정.",
        ),
    },
    "video-parent-portal-in-5-minutes": {
        "es": ("El Portal para Padres en 5 minutos", None),
        "zh_Hans": ("5 分钟了解家长门户", None),
        "ko": ("5분 만에 알아보는 학부모 포털", None),
    },
    "video-bedtime-routine": {
        "es": ("Una rutina para dormir que funciona", None),
        "zh_Hans": ("行之有效的睡前作息", None),
        "ko": ("효과적인 잠자리 습관", None),
    },
    "video-fafsa-basics": {
        "es": ("Lo básico de la ayuda financiera (FAFSA y Dream Act)", None),
        "zh_Hans": ("助学金基础知识（FAFSA 和 Dream Act）", None),
        "ko": ("학자금 지원 기초(FAFSA와 Dream Act)", None),
    },
}
# Every video's description, and its transcript with the title in place of %s.
VIDEO_WORDS = {
    "en": (
        "A short video to watch at any time.",
        "%s.\n\nThis short video shows, step by step, what families most often ask about. Pause it at any time; captions are available in several languages.",
    ),
    "es": (
        "Un video corto para ver en cualquier momento.",
        "%s.\n\nEste video corto muestra, paso a paso, lo que las familias preguntan con más frecuencia. Puede pausarlo en cualquier momento; hay subtítulos en varios idiomas.",
    ),
    "zh_Hans": (
        "随时可以观看的短视频。",
        "%s。\n\n这段短视频一步一步地介绍家庭最常问的问题。您可以随时暂停；视频提供多种语言的字幕。",
    ),
    "ko": (
        "언제든지 볼 수 있는 짧은 동영상입니다.",
        "%s.\n\n이 짧은 동영상은 가정에서 가장 자주 묻는 내용을 단계별로 보여 드립니다. 언제든지 일시 정지할 수 있으며, 여러 언어의 자막이 제공됩니다.",
    ),
}
# English that staff revised after it was translated: the translations need an update, and
# families read them meanwhile.
REVISED = {
    "healthy-meals-on-a-budget": "School meals, CalFresh, farmers’ markets that take EBT, and quick recipes children like.",
}
# A Spanish translation a translator saved, for the reviewer to publish or send back.
AWAITING_REVIEW = ("video-fafsa-basics", "es")


def seed_demo() -> None:
    accounts = _accounts()
    if FAMILY not in accounts:
        return
    anchor = _anchor()
    for index, spec in enumerate(WEBINARS):
        _webinar(index, spec, anchor, accounts)
    _workshop(anchor, accounts)
    for spec in PATHWAYS:
        _pathway(spec, anchor, accounts)
    for spec in VIDEOS:
        _video(spec)
    db.session.flush()
    _seed_texts(accounts)


def _accounts() -> dict[str, User]:
    users = db.session.scalars(select(User).where(User.email.in_((FAMILY, *OTHERS))))
    return {user.email: user for user in users}


def _anchor() -> date:
    """The first day of this month in Los Angeles: dates move only when the month does."""
    today = to_district(utcnow()).date()
    return today.replace(day=1)


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(day, time(hour, minute), tzinfo=DISTRICT_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def _month(anchor: date, offset: int) -> date:
    month = anchor.month - 1 + offset
    return date(anchor.year + month // 12, month % 12 + 1, 1)


def _second_tuesday(first: date) -> date:
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _winter_break(day: date) -> bool:
    return (day.month, day.day) >= (12, 19) or (day.month, day.day) <= (1, 4)


def _exists(slug: str) -> bool:
    return db.session.scalar(select(Offering.id).where(Offering.slug == slug)) is not None


def _offering(slug, kind, topic, **fields) -> Offering:
    languages = fields.pop("languages", {})
    offering = Offering(slug=slug, kind=kind, topic=topic, status=PUBLISHED, **fields)
    offering.languages = [
        OfferingLanguage(role=role, code=code)
        for role, codes in languages.items()
        for code in codes
    ]
    db.session.add(offering)
    return offering


def _webinar(index: int, spec, anchor: date, accounts) -> None:
    topic, slug, _title, _description = spec
    if _exists(slug):
        return
    day = _second_tuesday(_month(anchor, index - 6))
    spanish = index % 3 == 1
    offering = _offering(
        slug,
        WEBINAR,
        topic,
        format=ONLINE,
        join_url=f"https://meet.example.org/family-academy/{slug}",
        grade_band=("all", "elementary", "middle", "high")[index % 4],
        partner=DACE if topic == "career" else "",
        capacity=500,
        languages={
            INSTRUCTION: ["es"] if spanish else ["en"],
            INTERPRETATION: ["en", *INTERPRETATION_SETS[index % 4][1:]]
            if spanish
            else list(INTERPRETATION_SETS[index % 4]),
        },
    )
    starts = _utc(day, 18)
    offering.sessions = [AcademySession(starts_at=starts, ends_at=_utc(day, 19, 30))]
    db.session.flush()
    attendees = [FAMILY, *OTHERS[: 2 + index % 4]]
    for number, email in enumerate(attendees):
        registration = _register(offering, accounts[email], number, starts)
        if starts < _utc(anchor, 0) and number % 4 != 3:
            _attend(offering.sessions[0], registration, present=True)


def _workshop(anchor: date, accounts) -> None:
    """A small in-person webinar next month: full, with a waitlist the family is on."""
    slug = SMALL_WORKSHOP[0]
    if _exists(slug):
        return
    day = _second_tuesday(_month(anchor, 1)) + timedelta(days=2)
    offering = _offering(
        slug,
        WEBINAR,
        "achievement",
        format=IN_PERSON,
        school_name="Demo Elementary School",
        address="333 S Beaudry Ave, Los Angeles, CA 90017",
        grade_band="elementary",
        capacity=3,
        languages={INSTRUCTION: ["en", "es"], INTERPRETATION: ["ko"]},
    )
    starts = _utc(day, 9)
    offering.sessions = [AcademySession(starts_at=starts, ends_at=_utc(day, 10, 30))]
    db.session.flush()
    for number, email in enumerate([*OTHERS[:3], OTHERS[3], FAMILY, OTHERS[4]]):
        _register(offering, accounts[email], number, starts)


def _pathway(spec, anchor: date, accounts) -> None:
    topic, slug, _title, _description, weeks, weekday, capacity, place = spec
    if _exists(slug):
        return
    first = anchor + timedelta(days=(weekday - anchor.weekday()) % 7 + 7 * weeks)
    fields = dict(
        format=place,
        partner=DACE,
        capacity=capacity,
        completion_required=6,
        grade_band="early" if topic == "early_childhood" else "all",
        languages={INSTRUCTION: ["en", "es"], INTERPRETATION: ["ko", "zh_Hans", "vi"]},
    )
    if place == ONLINE:
        fields["join_url"] = f"https://meet.example.org/family-academy/{slug}"
    else:
        fields.update(
            school_name="Demo Early Education Center",
            address="1000 W 1st St, Los Angeles, CA 90012",
        )
    offering = _offering(slug, PATHWAY, topic, **fields)
    days = [
        day
        for day in (first + timedelta(weeks=week) for week in range(10))
        if not _winter_break(day)
    ][:8]
    offering.sessions = [
        AcademySession(starts_at=_utc(day, 18), ends_at=_utc(day, 20)) for day in days
    ]
    db.session.flush()
    people = [FAMILY, *OTHERS] if capacity > 3 else [*OTHERS[:3], OTHERS[3], FAMILY]
    starts = offering.sessions[0].starts_at
    registrations = [
        _register(offering, accounts[email], number, starts) for number, email in enumerate(people)
    ]
    today = _utc(anchor, 0)
    held = [session for session in offering.sessions if session.starts_at < today]
    for week, session in enumerate(held):
        for number, registration in enumerate(registrations):
            if registration.status == Registration.REGISTERED:
                # Most come every week; a few miss some, so not everyone graduates.
                present = (week + number) % (3 + number % 3) != 2
                _attend(session, registration, present=present or number == 0)
    db.session.flush()
    for registration in registrations if held else ():
        update_completion(registration, now=held[-1].ends_at)


def _video(spec) -> None:
    topic, slug, _title, minutes = spec
    if _exists(slug):
        return
    _offering(
        slug,
        VIDEO,
        topic,
        format=ONLINE,
        video_url=f"https://video.example.org/family-academy/{slug}",
        duration_minutes=minutes,
        languages={INSTRUCTION: ["en"], CAPTIONS: ["en", "es", "ko", "zh_Hans", "vi", "ar"]},
    )


# --- the words, through the content versions ---------------------------------------------


def _english() -> dict[str, dict[str, str]]:
    """Each demo offering's English words, by slug."""
    words = {slug: texts.fields(title, text) for _, slug, title, text in WEBINARS}
    for _, slug, title, text, *_ in PATHWAYS:
        words[slug] = texts.fields(title, text)
    slug, title, text = SMALL_WORKSHOP
    words[slug] = texts.fields(title, text)
    for _, slug, title, _ in VIDEOS:
        words[slug] = texts.fields(title, VIDEO_WORDS["en"][0], VIDEO_WORDS["en"][1] % title)
    return words


def _translation(slug: str, locale: str) -> dict[str, str]:
    title, text = TRANSLATIONS[slug][locale]
    if text is None:  # a video: the shared description and a transcript naming it
        text, transcript = VIDEO_WORDS[locale]
        return texts.fields(title, text, transcript % title)
    return texts.fields(title, text)


def _seed_texts(accounts) -> None:
    """English as academy staff publish it, then Spanish, Chinese and Korean as translators
    and reviewers do. One English text is revised afterwards, so its translations show
    "needs update"; one Spanish translation waits for a reviewer."""
    slugs = _english()
    offerings = db.session.scalars(select(Offering).where(Offering.slug.in_(slugs)))
    spanish_team = accounts.get(TRANSLATOR), accounts.get(REVIEWER)
    for offering in offerings:
        entity_id = str(offering.id)
        if texts.english(offering) is None:
            texts.publish_english(offering, slugs[offering.slug], None)
        for locale in TRANSLATIONS[offering.slug]:
            if content.latest(texts.ENTITY, entity_id, locale) is not None:
                continue
            author, reviewer = spanish_team if locale == "es" else (None, None)
            words = _translation(offering.slug, locale)
            version = content.save_draft(texts.ENTITY, entity_id, locale, words, author)
            if (offering.slug, locale) != AWAITING_REVIEW:
                content.publish(version, reviewer)
        revised = REVISED.get(offering.slug)
        if revised and len(content.history(texts.ENTITY, entity_id, "en")) == 1:
            texts.publish_english(offering, {**slugs[offering.slug], "description": revised}, None)


def _register(offering: Offering, user: User, number: int, starts: datetime) -> Registration:
    """A seat while seats are left, else the next waitlist place; made days before the start."""
    seated = sum(1 for r in offering.registrations if r.status == Registration.REGISTERED)
    waiting = sum(1 for r in offering.registrations if r.status == Registration.WAITLISTED)
    made = starts - timedelta(days=20 - number)
    zip_code, district = AREAS[(number + offering.id) % len(AREAS)]
    registration = Registration(
        offering=offering,
        user_id=user.id,
        family_language=user.locale,
        participant_name="" if user.email != FAMILY else "María López",
        zip_code=zip_code,
        local_district=district,
        created_at=made,
        interpretation="ko" if number == 2 and "ko" in offering.codes(INTERPRETATION) else None,
    )
    if offering.capacity is None or seated < offering.capacity:
        registration.status, registration.registered_at = Registration.REGISTERED, made
    else:
        registration.status, registration.waitlist_position = Registration.WAITLISTED, waiting + 1
    db.session.add(registration)
    db.session.flush()
    return registration


def _attend(session: AcademySession, registration: Registration, present: bool) -> None:
    db.session.add(
        Attendance(
            session_id=session.id,
            registration_id=registration.id,
            present=present,
            recorded_at=session.ends_at,
        )
    )
