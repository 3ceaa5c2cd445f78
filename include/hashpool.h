/*
 * hashpool.h: where password hashes run. An Argon2id hash takes tens of
 * milliseconds and 19 MiB; run on the request threads, a login flood
 * would take every worker and every CPU. Started by a worker process, the
 * pool runs them on at most n threads of lower CPU priority (nice
 * HASHPOOL_NICE), so authenticated requests keep their latency while
 * logins queue. A pool thread keeps its hash memory in its malloc arena
 * from one hash to the next: returned to the system and faulted in again
 * per hash, it made logins four times slower on a 2-CPU virtual machine
 * (test/bench). Not started (command-line verbs, unit tests): hashes run
 * inline.
 */
#ifndef PANEL_HASHPOOL_H
#define PANEL_HASHPOOL_H

#include <stdbool.h>

#define HASHPOOL_NICE 10
#define HASHPOOL_MAX 64

/* Starts n (1..HASHPOOL_MAX) threads; false when none could start. */
bool hashpool_start(int n);
/* After the last hashpool_run has returned: stops and joins the threads. */
void hashpool_stop(void);
/* Runs fn(arg) on a pool thread (or inline without one) and waits. */
void hashpool_run(void (*fn)(void *), void *arg);

#endif
