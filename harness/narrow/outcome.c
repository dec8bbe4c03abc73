/*
 * NAME
 *	narrow/outcome 3
 * SUMMARY
 *	what one trial showed, against the good and the bad side
 * SYNOPSIS
 *	#include "narrow/outcome.h"
 *
 *	const char *hr_outcome_name(o)
 * DESCRIPTION
 *	Every narrowing driver (objects, flags, commits) and the trial that
 *	serves them speak of outcomes: good, bad, other, flaky or skip.
 *	hr_outcome_name() gives the name used in logs and in NAME.json.
 */
#include "narrow/outcome.h"
#include "util/msg.h"

/* hr_outcome_name - for logs and JSON */
const char *hr_outcome_name(hr_outcome o)
{
    static const char *const names[] = {"good", "bad", "other", "flaky",
                                        "skip"};

    if ((unsigned)o >= sizeof(names) / sizeof(names[0]))
        hr_panic("hr_outcome_name: bad outcome %d", (int)o);
    return names[o];
}
