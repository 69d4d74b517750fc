/* test_track.c - new/gone bookkeeping, the live view's key table, column
 * layout and cutting text to a width */
#include "config.h"

#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "track.h"
#include "tui_layout.h"

#define HOLD 5.0

static struct track_item item(uint32_t inode, const char *label)
{
	struct track_item it;

	memset(&it, 0, sizeof(it));
	it.key.netns = 4026531840u;
	it.key.inode = inode;
	it.tag = inode & 0xf;
	it.snap = label;
	it.label = label;
	return it;
}

static const struct track_entry *get(const struct track *t, uint32_t inode)
{
	struct track_key k = { 4026531840u, inode };

	return track_find(t, k);
}

Test(track, first_dump_is_not_news)
{
	struct track t;
	struct track_item a[] = { item(10, "a"), item(20, "b") };

	track_init(&t, HOLD);
	track_update(&t, a, 2, 100.0, 1000);
	cr_assert_eq(t.n, 2);
	cr_assert_not(track_is_new(&t, get(&t, 10), 100.0));
	cr_assert_not(track_is_new(&t, get(&t, 20), 100.0));
	cr_assert_eq(track_nevents(&t), 0);
	track_release(&t);
}

Test(track, appearance_is_marked_for_the_hold_time)
{
	struct track t;
	struct track_item a[] = { item(10, "a"), item(20, "b") };
	const struct track_entry *e;
	const struct track_event *ev;

	track_init(&t, HOLD);
	track_update(&t, a, 1, 100.0, 1000);
	track_update(&t, a, 2, 102.0, 1002);
	e = get(&t, 20);
	cr_assert_not_null(e);
	cr_assert(track_is_new(&t, e, 102.0));
	cr_assert(track_is_new(&t, e, 106.9));
	cr_assert_not(track_is_new(&t, e, 107.0));
	cr_assert_not(track_is_new(&t, get(&t, 10), 102.0));
	cr_assert_eq(track_nevents(&t), 1);
	ev = track_event(&t, 0);
	cr_assert_eq(ev->kind, TRACK_APPEARED);
	cr_assert_eq(ev->when, 1002);
	cr_assert_str_eq(ev->label, "b");
	cr_assert_eq(e->tag, 20 & 0xf);
	track_release(&t);
}

Test(track, one_absence_is_gone_at_that_refresh_then_expires)
{
	struct track t;
	struct track_item a[] = { item(10, "a"), item(20, "b") };
	const struct track_event *ev;

	track_init(&t, HOLD);
	track_update(&t, a, 2, 100.0, 1000);
	/* every refresh is a union of dumps: one miss is a closed socket,
	 * and it went at the refresh that first missed it */
	track_update(&t, a, 1, 101.0, 1001);
	cr_assert(track_is_gone(get(&t, 20)));
	cr_assert_eq(get(&t, 20)->gone_at, 101.0);
	cr_assert_str_eq(get(&t, 20)->snap, "b", "a gone entry keeps its snapshot");
	cr_assert_eq(track_nevents(&t), 1);
	ev = track_event(&t, 0);
	cr_assert_eq(ev->kind, TRACK_GONE);
	cr_assert_eq(ev->when, 1001);
	/* a second absence logs nothing more */
	track_update(&t, a, 1, 102.0, 1002);
	cr_assert_eq(track_nevents(&t), 1);
	cr_assert_eq(get(&t, 20)->gone_at, 101.0);
	cr_assert_not(track_expire(&t, 105.9));
	cr_assert_not_null(get(&t, 20));
	cr_assert(track_expire(&t, 106.0));
	cr_assert_null(get(&t, 20));
	cr_assert_not_null(get(&t, 10));
	cr_assert_eq(t.n, 1);
	track_release(&t);
}

Test(track, a_restart_logs_gone_before_new)
{
	struct track t;
	struct track_item before[] = { item(10, "a"), item(20, "svc") };
	struct track_item after[] = { item(10, "a"), item(30, "svc") };

	track_init(&t, HOLD);
	track_update(&t, before, 2, 100.0, 1000);
	/* the service closed its socket and opened a new one between two
	 * refreshes: the old one went first, at the same refresh */
	track_update(&t, after, 2, 101.0, 1001);
	cr_assert_eq(track_nevents(&t), 2);
	cr_assert_eq(track_event(&t, 1)->kind, TRACK_GONE);
	cr_assert_eq(track_event(&t, 1)->when, 1001);
	cr_assert_eq(track_event(&t, 0)->kind, TRACK_APPEARED);
	cr_assert_eq(track_event(&t, 0)->when, 1001);
	cr_assert(track_is_gone(get(&t, 20)));
	cr_assert(track_is_new(&t, get(&t, 30), 101.0));
	track_release(&t);
}

Test(track, gone_then_back_is_new_again)
{
	struct track t;
	struct track_item a[] = { item(10, "a"), item(20, "b") };

	track_init(&t, HOLD);
	track_update(&t, a, 2, 100.0, 1000);
	track_update(&t, a, 1, 101.0, 1001);
	track_update(&t, a, 2, 102.0, 1002);
	cr_assert_not(track_is_gone(get(&t, 20)));
	cr_assert(track_is_new(&t, get(&t, 20), 102.0));
	cr_assert_eq(track_nevents(&t), 2);
	cr_assert_eq(track_event(&t, 0)->kind, TRACK_APPEARED);
	cr_assert_eq(track_event(&t, 1)->kind, TRACK_GONE);
	track_release(&t);
}

Test(track, same_inode_in_another_netns_is_another_listener)
{
	struct track t;
	struct track_item a[] = { item(10, "a"), item(10, "other") };

	a[1].key.netns = 1;
	track_init(&t, HOLD);
	track_update(&t, a, 1, 100.0, 1000);
	track_update(&t, a, 2, 101.0, 1001);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(track_nevents(&t), 1);
	cr_assert_str_eq(track_event(&t, 0)->label, "other");
	track_release(&t);
}

/* Many listeners in no order, in three namespaces whose numbers differ in
 * high bytes (every byte of a key takes part in matching): each dump is
 * matched to the one before whatever its order, with the text asked for
 * only of what changed. */
static unsigned asked;

static void text_of(void *data, bool cur, size_t ref, struct buf *snap,
		    struct buf *label)
{
	(void)data;
	asked++;
	buf_printf(snap, "%s %zu", cur ? "now" : "was", ref);
	buf_printf(label, "L%zu", ref);
}

Test(track, many_keys_in_any_order)
{
	static const uint64_t netns[] = { 4026531840u, 0x1000000f0000000ull,
					  7 };
	struct track_item *a = calloc(3000, sizeof(*a));
	struct track_text text = { text_of, NULL };
	unsigned seed = 1;
	struct track t;
	size_t i, gone = 0, fresh = 0;
	double now = 100.0;

	cr_assert_not_null(a);
	for (i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		a[i].key.netns = netns[i % 3];
		a[i].key.inode = (seed >> 3) ^ (uint32_t)(i << 20) ^ (uint32_t)i;
		a[i].ref = i;
	}
	track_init(&t, HOLD);
	track_set_text(&t, &text);
	track_update(&t, a, 2000, now, 1000);
	cr_assert_eq(t.n, 2000);
	cr_assert_eq(asked, 0, "the first dump asks for no text");
	/* the next dump: the first 500 went, 1000 more came, in reverse */
	for (i = 0; i < 2500; i++) {
		struct track_item tmp = a[500 + i];

		a[500 + i] = a[2999 - i];
		a[2999 - i] = tmp;
		if (2999 - i <= 500 + i)
			break;
	}
	track_update(&t, a + 500, 2500, now + 1, 1001);
	cr_expect_eq(asked, 500 + 1000,
		     "text for each that went and each that came: %u", asked);
	for (i = 0; i < t.n; i++) {
		if (track_is_gone(&t.v[i])) {
			gone++;
			cr_expect_not_null(t.v[i].snap);
			cr_expect_eq(strncmp(t.v[i].snap, "was ", 4), 0);
		} else if (track_is_new(&t, &t.v[i], now + 1)) {
			fresh++;
		}
		if (i)
			cr_expect_lt(track_key_cmp(t.v[i - 1].key, t.v[i].key),
				     0, "entries stay sorted");
	}
	cr_expect_eq(gone, 500);
	cr_expect_eq(fresh, 1000);
	cr_expect_eq(t.n, 3000);
	for (i = 0; i < 3000; i++)
		cr_expect_not_null(track_find(&t, a[i].key), "key %zu", i);
	cr_expect_eq(track_nevents(&t), TRACK_EVENTS_MAX, "1,500 events, the ring keeps the last");
	track_release(&t);
	free(a);
}

Test(track, duplicates_and_updates)
{
	struct track t;
	struct track_item a[] = { item(30, "x"), item(30, "x"), item(5, "y") };
	struct track_item b[] = { item(30, "x2"), item(5, "y") };

	track_init(&t, HOLD);
	track_update(&t, a, 3, 100.0, 1000);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.v[0].key.inode, 5, "entries are sorted by key");
	track_update(&t, b, 2, 101.0, 1001);
	cr_assert_str_eq(get(&t, 30)->snap, "x2");
	track_release(&t);
}

Test(track, event_ring_is_bounded)
{
	struct track t;
	struct track_item it;
	char label[32];
	uint32_t i;

	track_init(&t, HOLD);
	track_update(&t, NULL, 0, 0.0, 0);
	for (i = 1; i <= TRACK_EVENTS_MAX + 50; i++) {
		snprintf(label, sizeof(label), "l%u", i);
		it = item(i, label);
		track_update(&t, &it, 1, (double)i, (time_t)i);
	}
	cr_assert_eq(track_nevents(&t), TRACK_EVENTS_MAX);
	/* the newest first: the last refresh's news are the end of l(N-1),
	 * logged first, then l(N) */
	snprintf(label, sizeof(label), "l%u", TRACK_EVENTS_MAX + 50);
	cr_assert_eq(track_event(&t, 0)->kind, TRACK_APPEARED);
	cr_assert_str_eq(track_event(&t, 0)->label, label);
	snprintf(label, sizeof(label), "l%u", TRACK_EVENTS_MAX + 49);
	cr_assert_eq(track_event(&t, 1)->kind, TRACK_GONE);
	cr_assert_str_eq(track_event(&t, 1)->label, label);
	cr_assert_null(track_event(&t, TRACK_EVENTS_MAX));
	/* gone ones expired: the table stays small */
	cr_assert_lt(t.n, 10);
	track_release(&t);
}

Test(keys, table)
{
	cr_assert_eq(tui_key_action('q', false), TUI_QUIT);
	cr_assert_eq(tui_key_action(KEY_UP, true), TUI_UP);
	cr_assert_eq(tui_key_action(KEY_DOWN, true), TUI_DOWN);
	cr_assert_eq(tui_key_action(KEY_NPAGE, true), TUI_PGDN);
	cr_assert_eq(tui_key_action(KEY_PPAGE, true), TUI_PGUP);
	cr_assert_eq(tui_key_action(KEY_HOME, true), TUI_HOME);
	cr_assert_eq(tui_key_action(KEY_END, true), TUI_END);
	cr_assert_eq(tui_key_action('\r', false), TUI_DETAILS);
	cr_assert_eq(tui_key_action('\n', false), TUI_DETAILS);
	cr_assert_eq(tui_key_action('/', false), TUI_SEARCH);
	cr_assert_eq(tui_key_action('n', false), TUI_NEXT);
	cr_assert_eq(tui_key_action('\\', false), TUI_FILTER);
	cr_assert_eq(tui_key_action('f', false), TUI_FILTER);
	cr_assert_eq(tui_key_action('s', false), TUI_SORT);
	cr_assert_eq(tui_key_action('<', false), TUI_SORT_LEFT);
	cr_assert_eq(tui_key_action('>', false), TUI_SORT_RIGHT);
	cr_assert_eq(tui_key_action('r', false), TUI_REVERSE);
	cr_assert_eq(tui_key_action('t', false), TUI_TCP);
	cr_assert_eq(tui_key_action('u', false), TUI_UDP);
	cr_assert_eq(tui_key_action('4', false), TUI_IPV4);
	cr_assert_eq(tui_key_action('6', false), TUI_IPV6);
	cr_assert_eq(tui_key_action('x', false), TUI_EXPOSED);
	cr_assert_eq(tui_key_action('p', false), TUI_PAUSE);
	cr_assert_eq(tui_key_action(' ', false), TUI_PAUSE);
	cr_assert_eq(tui_key_action('o', false), TUI_FREEZE);
	cr_assert_eq(tui_key_action('k', false), TUI_KILL);
	cr_assert_eq(tui_key_action('d', false), TUI_DELAY);
	cr_assert_eq(tui_key_action('+', false), TUI_SLOWER);
	cr_assert_eq(tui_key_action('-', false), TUI_FASTER);
	cr_assert_eq(tui_key_action('e', false), TUI_EVENTS);
	cr_assert_eq(tui_key_action('?', false), TUI_HELP);
	cr_assert_eq(tui_key_action('h', false), TUI_HELP);
	cr_assert_eq(tui_key_action('Z', false), TUI_NONE);
	/* a KEY_* code is not the character of the same number */
	cr_assert_eq(tui_key_action(KEY_UP, false), TUI_NONE);
	cr_assert_eq(tui_key_action('q', true), TUI_NONE);
}

Test(keys, every_action_has_help_and_no_key_twice)
{
	size_t i, j;
	bool named[TUI_QUIT + 1] = { false };

	for (i = 0; i < tui_nkeys; i++) {
		/* a line without a name is listed with the line before */
		cr_assert(tui_keys[i].name || i > 0);
		if (tui_keys[i].name)
			cr_assert_not_null(tui_keys[i].help);
		named[tui_keys[i].action] = true;
		for (j = i + 1; j < tui_nkeys; j++)
			cr_assert(tui_keys[i].key != tui_keys[j].key ||
				  tui_keys[i].fkey != tui_keys[j].fkey,
				  "key %d is in the table twice", tui_keys[i].key);
	}
	for (i = TUI_UP; i <= TUI_QUIT; i++)
		cr_assert(named[i], "action %zu has no line in the help", i);
}

Test(layout, command_takes_what_is_left)
{
	/* proto address port service class user pid command */
	size_t want[] = { 5, 15, 5, 8, 10, 8, 6, 60 }, w[8];
	size_t used = tui_layout(want, NULL, 8, 7, 100, w);

	cr_assert_eq(w[0], 5);
	cr_assert_eq(w[6], 6);
	/* 57 for the others, 7 separators */
	cr_assert_eq(w[7], 100 - 57 - 7);
	cr_assert_eq(used, 100);
}

Test(layout, wide_terminal_no_padding_beyond_want)
{
	size_t want[] = { 5, 15, 20 }, w[3];
	size_t used = tui_layout(want, NULL, 3, 2, 200, w);

	cr_assert_eq(w[2], 20);
	cr_assert_eq(used, 5 + 15 + 20 + 2);
}

Test(layout, narrow_terminal_cuts_at_the_edge)
{
	size_t want[] = { 5, 15, 5, 8, 10, 8, 6, 60 }, w[8];
	size_t used = tui_layout(want, NULL, 8, 7, 20, w);

	cr_assert_eq(w[0], 5);
	cr_assert_eq(w[1], 14, "the address is cut at the edge");
	for (size_t j = 2; j < 8; j++)
		cr_assert_eq(w[j], 0, "column %zu is off screen", j);
	cr_assert_leq(used, 20);
}

Test(layout, narrow_terminal_hides_what_matters_least)
{
	/* proto address port service class user pid command, ranked as
	 * in the column table */
	size_t want[] = { 5, 9, 5, 8, 10, 8, 5, 60 }, w[8];
	unsigned drop[] = { 2, 1, 0, 8, 9, 5, 0, 0 };
	size_t used = tui_layout(want, drop, 8, 7, 39, w);

	cr_assert_eq(w[4], 0, "class goes first");
	cr_assert_eq(w[3], 0, "then the service");
	cr_assert_eq(w[5], 0, "then the user");
	cr_assert_eq(w[0], 5, "the protocol fits at 39");
	cr_assert_eq(w[1], 9, "and the address");
	cr_assert_eq(w[2], 5);
	cr_assert_eq(w[6], 5, "the pid is whole");
	cr_assert_eq(w[7], 39 - 28, "the command takes what is left");
	cr_assert_eq(used, 39);

	used = tui_layout(want, drop, 8, 7, 19, w);
	cr_assert_eq(w[0], 0, "at 19 the protocol goes too");
	cr_assert_eq(w[1], 0, "and the address");
	cr_assert_eq(w[2], 5, "the port stays");
	cr_assert_eq(w[6], 5, "the pid stays");
	cr_assert_eq(w[7], 19 - 12, "the command gets the rest");
	cr_assert_eq(used, 19);
}

Test(layout, ranks_do_not_hide_what_fits)
{
	size_t want[] = { 5, 9, 5, 8, 10, 8, 5, 60 }, w[8];
	unsigned drop[] = { 2, 1, 0, 8, 9, 5, 0, 0 };

	tui_layout(want, drop, 8, 7, 100, w);
	for (size_t j = 0; j < 8; j++)
		cr_assert_gt(w[j], 0, "column %zu is shown at 100", j);
}

Test(layout, flex_keeps_a_minimum_before_others_are_cut)
{
	size_t want[] = { 30, 30 }, w[2];

	tui_layout(want, NULL, 2, 1, 40, w);
	cr_assert_eq(w[0], 30);
	cr_assert_eq(w[1], 9, "what remains after the separator");
	tui_layout(want, NULL, 2, 0, 40, w);
	cr_assert_eq(w[0], 9);
	cr_assert_eq(w[1], 30);
}

Test(layout, zero_and_tiny)
{
	size_t want[] = { 5, 5 }, w[2];

	cr_assert_eq(tui_layout(want, NULL, 2, 2, 0, w), 0);
	cr_assert_eq(w[0], 0);
	cr_assert_eq(w[1], 0);
	tui_layout(want, NULL, 2, 2, 3, w);
	cr_assert_eq(w[0], 3);
	cr_assert_eq(w[1], 0);
	cr_assert_eq(tui_layout(NULL, NULL, 0, 0, 80, w), 0);
}

static const char *fit(const char *s, size_t width, bool right)
{
	static struct buf b;

	buf_reset(&b);
	buf_adds(&b, "");
	tui_fit(&b, s, strlen(s), width, right);
	return b.p;
}

Test(fit, pad_and_cut)
{
	cr_assert_str_eq(fit("abc", 5, false), "abc  ");
	cr_assert_str_eq(fit("abc", 5, true), "  abc");
	cr_assert_str_eq(fit("abc", 3, false), "abc");
	cr_assert_str_eq(fit("abcdef", 4, false), "abc>");
	cr_assert_str_eq(fit("abcdef", 1, false), ">");
	cr_assert_str_eq(fit("abcdef", 0, false), "");
}

Test(fit, wide_characters)
{
	setlocale(LC_ALL, "C.UTF-8");
	/* two CJK characters are four cells */
	cr_assert_str_eq(fit("\xe4\xb8\xad\xe6\x96\x87", 4, false),
			 "\xe4\xb8\xad\xe6\x96\x87");
	cr_assert_str_eq(fit("\xe4\xb8\xad\xe6\x96\x87", 5, false),
			 "\xe4\xb8\xad\xe6\x96\x87 ");
	/* a wide character never straddles the cut */
	cr_assert_str_eq(fit("\xe4\xb8\xad\xe6\x96\x87", 3, false),
			 "\xe4\xb8\xad>");
	cr_assert_str_eq(fit("\xe4\xb8\xad\xe6\x96\x87", 2, false), " >");
	cr_assert_str_eq(fit("h\xc3\xa9llo", 4, false), "h\xc3\xa9l>");
}

static size_t nwrap;

static const char *wrap(const char *s, size_t width, size_t max)
{
	static struct buf b;

	buf_reset(&b);
	buf_adds(&b, "");
	nwrap = tui_wrap(&b, s, width, max);
	return b.p;
}

Test(wrap, at_spaces_and_inside_long_words)
{
	cr_assert_str_eq(wrap("aa bb cc", 5, 9), "aa bb\ncc\n");
	cr_assert_eq(nwrap, 2);
	/* the space that does not fit is the break; spaces at it are gone */
	cr_assert_str_eq(wrap("aa bb   cc", 5, 9), "aa bb\ncc\n");
	cr_assert_str_eq(wrap("abcdefgh ij", 3, 9), "abc\ndef\ngh\nij\n");
	cr_assert_eq(nwrap, 4);
	cr_assert_str_eq(wrap("abc", 3, 9), "abc\n");
	cr_assert_str_eq(wrap("", 3, 9), "");
	cr_assert_eq(nwrap, 0);
	cr_assert_str_eq(wrap("abc", 0, 9), "");
	cr_assert_str_eq(wrap("abc", 3, 0), "");
}

Test(wrap, the_last_line_is_cut_when_more_would_follow)
{
	cr_assert_str_eq(wrap("aa bb cc dd ee", 5, 2), "aa bb\ncc d>\n");
	cr_assert_eq(nwrap, 2);
	cr_assert_str_eq(wrap("aa bb cc", 5, 1), "aa b>\n");
	/* what fits in max lines is not cut */
	cr_assert_str_eq(wrap("aa bb cc", 5, 2), "aa bb\ncc\n");
}

Test(wrap, wide_characters)
{
	setlocale(LC_ALL, "C.UTF-8");
	/* two CJK characters are four cells */
	cr_assert_str_eq(wrap("\xe4\xb8\xad\xe6\x96\x87 \xe4\xb8\xad", 5, 9),
			 "\xe4\xb8\xad\xe6\x96\x87\n\xe4\xb8\xad\n");
	cr_assert_str_eq(wrap("\xe4\xb8\xad\xe6\x96\x87", 3, 9),
			 "\xe4\xb8\xad\n\xe6\x96\x87\n");
	/* one wider than the line takes a line of its own */
	cr_assert_str_eq(wrap("\xe4\xb8\xad\xe6\x96\x87", 1, 9),
			 "\xe4\xb8\xad\n\xe6\x96\x87\n");
}
