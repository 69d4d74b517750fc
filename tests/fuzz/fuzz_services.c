/* fuzz_services.c - libFuzzer target: services files and
 * ip_local_reserved_ports text */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "fuzz.h"
#include "registry.h"

static const uint16_t ports[] = { 0, 22, 53, 80, 443, 8080, 65535 };
static const char *const names[] = { "ssh", "http", "domain", "www", "" };

static void check_service(const struct service *s, uint16_t port,
			  uint8_t proto)
{
	if (!s)
		return;
	if (s->port != port || s->proto != proto || !s->name || !*s->name ||
	    !s->aliases || !s->desc)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry *r = registry_new();
	const struct service *s;
	size_t i;

	registry_parse(r, (const char *)data, size);
	/* a second layer: the same text loaded again must still parse */
	registry_parse(r, (const char *)data, size);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		check_service(registry_lookup(r, ports[i], IPPROTO_TCP),
			      ports[i], IPPROTO_TCP);
		check_service(registry_lookup(r, ports[i], IPPROTO_UDP),
			      ports[i], IPPROTO_UDP);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		s = registry_find_name(r, names[i], 0);
		if (s && s->proto != IPPROTO_TCP && s->proto != IPPROTO_UDP)
			abort();
		registry_find_name(r, names[i], IPPROTO_TCP);
	}

	if (registry_parse_reserved(r, (const char *)data, size)) {
		for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
			registry_reserved(r, ports[i]);
	}
	registry_free(r);
	return 0;
}
