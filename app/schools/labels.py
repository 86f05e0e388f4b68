"""Translated names and plain-language explanations for what the data contains."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The indicators a snapshot shows, in this order, with a "How do we know?" explanation.
INDICATORS = {
    "chronic_absenteeism_rate": (
        _l("Chronic absenteeism"),
        _l(
            "The share of students who missed at least one school day in every ten they were "
            "enrolled, for any reason. Missing that much school makes learning harder. The "
            "state counts every student enrolled for at least 31 days."
        ),
    ),
    "suspension_rate": (
        _l("Suspensions"),
        _l(
            "The share of students who were suspended at least once during the school year. "
            "Each student counts once, however many times they were suspended."
        ),
    ),
    "ela_distance_from_standard": (
        _l("English language arts"),
        _l(
            "How far, on average, students’ state test scores in reading and writing are above "
            "or below the score that meets the grade-level standard. 0 means “meets the "
            "standard on average”; a negative number means below it. Grades 3 to 8 and 11 take "
            "the test."
        ),
    ),
    "math_distance_from_standard": (
        _l("Mathematics"),
        _l(
            "How far, on average, students’ state math test scores are above or below the "
            "score that meets the grade-level standard. 0 means “meets the standard on "
            "average”; a negative number means below it. Grades 3 to 8 and 11 take the test."
        ),
    ),
    "four_year_graduation_rate": (
        _l("Graduation in four years"),
        _l(
            "Of the students who started ninth grade together (counting those who moved in "
            "and out), the share who earned a regular diploma within four years."
        ),
    ),
    "four_year_dropout_rate": (
        _l("Dropouts"),
        _l(
            "Of the students who started ninth grade together, the share who left school "
            "without a diploma and did not re-enroll within four years."
        ),
    ),
    "a_g_completion_rate": (
        _l("Ready for UC and CSU (A–G)"),
        _l(
            "Of the graduates, the share who passed the sequence of courses (called A–G) that "
            "the University of California and California State University require."
        ),
    ),
    "college_career_prepared_rate": (
        _l("Prepared for college or career"),
        _l(
            "The share of graduates the state rates as “prepared”, for example by passing "
            "advanced courses or exams, earning college credit, or completing a career "
            "pathway."
        ),
    ),
    "college_going_rate_12_month": (
        _l("Went on to college"),
        _l(
            "Of the students who finished high school, the share who enrolled in a college or "
            "university in the United States within 12 months."
        ),
    ),
}

SUBGROUPS = {
    "english_learners": _l("English learners"),
    "socioeconomically_disadvantaged": _l("Socioeconomically disadvantaged"),
    "students_with_disabilities": _l("Students with disabilities"),
    "foster": _l("Foster youth"),
    "homeless": _l("Students experiencing homelessness"),
    "long_term_english_learners": _l("Long-term English learners"),
    "african_american": _l("Black or African American"),
    "american_indian_alaska_native": _l("American Indian or Alaska Native"),
    "asian": _l("Asian"),
    "filipino": _l("Filipino"),
    "hispanic_latino": _l("Hispanic or Latino"),
    "pacific_islander": _l("Pacific Islander"),
    "two_or_more_races": _l("Two or more races"),
    "white": _l("White"),
}

DEMOGRAPHICS = {
    "hispanic": _l("Hispanic or Latino"),
    "african_american": _l("Black or African American"),
    "white": _l("White"),
    "asian": _l("Asian"),
    "filipino": _l("Filipino"),
    "american_indian": _l("American Indian or Alaska Native"),
    "pacific_islander": _l("Pacific Islander"),
    "two_or_more_races": _l("Two or more races"),
    "not_reported": _l("Not reported"),
    "english_learner": _l("English learners"),
    "socioeconomically_disadvantaged": _l("Socioeconomically disadvantaged"),
    "free_reduced_meal_eligible": _l("Eligible for free or reduced-price meals"),
    "students_with_disabilities": _l("Students with disabilities"),
    "foster": _l("Foster youth"),
    "homeless": _l("Students experiencing homelessness"),
    "migrant": _l("Migrant students"),
}

LEVELS = {
    "Elementary": _l("Elementary"),
    "Middle": _l("Middle school"),
    "High": _l("High school"),
    "Elem-High Combo": _l("Span school (elementary to high)"),
}

SCHOOL_TYPES = {
    "Elementary": _l("Elementary"),
    "Middle": _l("Middle"),
    "High": _l("High"),
    "K-12": _l("Kindergarten to grade 12"),
    "Alternative Schools of Choice": _l("Alternative school of choice"),
    "Continuation": _l("Continuation high school"),
    "Special Education": _l("Special education center"),
    "Community Day": _l("Community day school"),
    "Opportunity": _l("Opportunity school"),
}

PROGRAM_TYPES = {
    "magnet": _l("Magnet"),
    "dual_language": _l("Dual language"),
    "sas": _l("Schools for Advanced Studies (SAS)"),
    "ib": _l("International Baccalaureate (IB)"),
    "cte": _l("Career technical education and Linked Learning"),
    "early_education": _l("Transitional kindergarten and early education"),
    "virtual_academy": _l("Virtual academy"),
    "special_education": _l("Special education program"),
    "open_enrollment": _l("Open enrollment"),
}

# Partner languages of LAUSD's dual-language programs.
DUAL_LANGUAGES = {
    "es": _l("Spanish"),
    "ko": _l("Korean"),
    "zh": _l("Mandarin Chinese"),
    "hy": _l("Armenian"),
    "ar": _l("Arabic"),
    "ja": _l("Japanese"),
    "fr": _l("French"),
}

RESOURCE_DIMENSIONS = {
    "fully_credentialed": _l("Fully credentialed teachers"),
    "counselor": _l("Counselors"),
    "psychologist": _l("Psychologists"),
    "social_worker": _l("Social workers"),
    "nurse": _l("Nurses"),
    "speech_language_hearing_specialist": _l("Speech, language and hearing specialists"),
    "library_media_teacher": _l("Library media teachers"),
}


def program_name(program) -> str:
    """A program's name, e.g. "Dual language (Korean)", translated."""
    from flask_babel import gettext

    kind = PROGRAM_TYPES.get(program.program_type, program.program_type)
    if program.program_type == "dual_language" and program.language in DUAL_LANGUAGES:
        return gettext(
            "%(program)s (%(language)s)", program=kind, language=DUAL_LANGUAGES[program.language]
        )
    return str(kind)
