#ifndef HR_CASE_WORLD_H
#define HR_CASE_WORLD_H

/* case/world.h - the fixed world every case is written against
 *
 * A case names hosts and addresses of one made-up site: the instance
 * calls itself HR_MYHOSTNAME, and the sink, the only remote peer, listens
 * on HR_SINK_ADDR. Importers render recordings into this world, and the
 * instance builds it; both read the names from here. */

/* The address where the sink listens, and where relayhost points. */
#define HR_SINK_ADDR "127.0.0.9"
#define HR_SINK_PORT 25
#define HR_MYHOSTNAME "mx.example.test"
#define HR_MYDOMAIN "example.test"

#endif
