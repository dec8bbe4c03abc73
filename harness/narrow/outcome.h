#ifndef HR_NARROW_OUTCOME_H
#define HR_NARROW_OUTCOME_H

/* narrow/outcome.h - what one trial showed, against the good and the bad side */

/* What one trial showed, measured against the good and the bad side. */
typedef enum {
    HR_OUTCOME_GOOD = 0, /* behaves like the good side */
    HR_OUTCOME_BAD,      /* behaves like the bad side */
    HR_OUTCOME_OTHER,    /* a third behaviour: like neither side */
    HR_OUTCOME_FLAKY,    /* its runs disagree with each other */
    HR_OUTCOME_SKIP,     /* cannot be tried (a commit that does not build) */
} hr_outcome;

const char *hr_outcome_name(hr_outcome o);

#endif
