/* test_views.c - what a view request asks of the views (views.h): the
 * columns, the header, and the protocols a Prometheus count is given for */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sock.h"
#include "views.h"

typedef int (*view_fn)(const struct model *, const struct view_request *,
		       FILE *);

/* What view printed of an empty model for req, NUL-terminated; caller
 * frees. */
static char *print(view_fn view, const struct view_request *req)
{
	struct model m;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	model_init(&m);
	cr_assert_eq(view(&m, req, f), 0);
	cr_assert_eq(fclose(f), 0);
	model_release(&m);
	return out;
}

Test(views, prom_counts_only_the_protocols_that_were_dumped)
{
	struct view_request req = { .collect = COLLECT_TCP | COLLECT_V4 };
	char *out = print(view_prom, &req);

	/* nothing listens: 0 for TCP, which was asked; no count for UDP,
	 * which was not (0 would claim it was looked at) */
	cr_expect_not_null(strstr(out, "\nporttop_listeners{proto=\"tcp\"} 0\n"),
			   "%s", out);
	cr_expect_null(strstr(out, "proto=\"udp\""), "%s", out);
	free(out);
	req.collect = COLLECT_ALL;
	out = print(view_prom, &req);
	cr_expect_not_null(strstr(out, "\nporttop_listeners{proto=\"tcp\"} 0\n"));
	cr_expect_not_null(strstr(out, "\nporttop_listeners{proto=\"udp\"} 0\n"));
	free(out);
}

Test(views, text_prints_the_columns_asked_and_the_header_unless_not)
{
	static const enum col_id cols[] = { COL_PID, COL_PORT };
	struct view_request req = { .columns = cols, .ncolumns = 2 };
	char *out = print(view_text, &req);

	cr_expect_str_eq(out, "PID PORT\n");
	free(out);
	req.no_header = true;
	out = print(view_text, &req);
	cr_expect_str_eq(out, "");
	free(out);
}

Test(views, no_columns_asked_means_the_default_ones)
{
	struct view_request req = { 0 };
	const enum col_id *ids;
	size_t n;

	view_columns(&req, &ids, &n);
	cr_expect_eq(ids, columns_default);
	cr_expect_eq(n, columns_ndefault);
}
