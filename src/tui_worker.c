/* tui_worker.c - the live view's background refresh: one thread that asks
 * the source for the next model while the UI thread keeps drawing */
#include "config.h"
#include "tui_priv.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

void tui_worker_init(struct tui_worker *w, struct source *src,
		     const struct filter *filter)
{
	w->src = src;
	w->filter = filter;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	model_init(&w->next);
}

void tui_worker_release(struct tui_worker *w)
{
	model_release(&w->next);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
}

/* Worker side: refresh into w->next. A model owns its snapshot, so the
 * next owner scan cannot pull it from under the UI thread. */
static void refresh_into(struct tui_worker *w)
{
	const char *notice;

	w->rc = source_refresh_since(w->src, w->filter, w->prev, &w->next);
	if (w->rc < 0) {
		snprintf(w->err, sizeof(w->err), "%s", source_error(w->src));
		model_release(&w->next);
		return;
	}
	/* its first line: the title has room for one */
	notice = source_notice(w->src);
	snprintf(w->notice, sizeof(w->notice), "%.*s",
		 notice ? (int)strcspn(notice, "\n") : 0, notice ? notice : "");
}

static void *worker_main(void *arg)
{
	struct tui_worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->request && !w->quit)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->quit)
			break;
		pthread_mutex_unlock(&w->lock);
		refresh_into(w);
		pthread_mutex_lock(&w->lock);
		w->request = false;
		w->done = true;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Start the worker with every signal blocked: the end signals must reach
 * the UI thread, and curses' SIGTSTP and SIGWINCH handlers must not run in
 * the worker. */
void tui_worker_start(struct tui_worker *w)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	w->running = pthread_create(&w->thread, NULL, worker_main, w) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void tui_worker_stop(struct tui_worker *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = false;
}

bool tui_worker_request(struct tui_worker *w)
{
	if (!w->running) {
		refresh_into(w);
		return false;
	}
	pthread_mutex_lock(&w->lock);
	w->request = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return true;
}

bool tui_worker_done(struct tui_worker *w)
{
	bool done;

	pthread_mutex_lock(&w->lock);
	done = w->done;
	w->done = false;
	pthread_mutex_unlock(&w->lock);
	return done;
}
