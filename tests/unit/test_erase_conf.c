/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The makedumpfile.conf parser (erase_conf.c): every construct of the
 * language parsed into the right commands, sizes with suffixes, #@type
 * hints, module names, and errors naming line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "erase_conf.h"

static struct erase_config *parse_ok(const char *text)
{
	struct erase_config *cfg = NULL;
	struct mdf_error *err = erase_conf_parse("t.conf", text, strlen(text), &cfg);
	if (err)
		fail_msg("unexpected error: %s", err->message);
	return cfg;
}

/* The error message of a config that must fail. */
static char *parse_err(const char *text)
{
	struct erase_config *cfg = NULL;
	struct mdf_error *err = erase_conf_parse("t.conf", text, strlen(text), &cfg);
	assert_non_null(err);
	assert_null(cfg);
	assert_int_equal(err->code, MDF_ERR_INVALID);
	char *m = strdup(err->message);
	mdf_error_destroy(err);
	return m;
}

static void expect_err(const char *text, const char *want)
{
	char *m = parse_err(text);
	if (!strstr(m, want))
		fail_msg("'%s' does not contain '%s'", m, want);
	free(m);
}

static void test_constructs(void **state)
{
	(void)state;
	struct erase_config *cfg = parse_ok(
		"# comment\n"
		"erase linux_banner\n"                       /* implicit [vmlinux] */
		"erase a.b.c size 16K   # trailing comment\n"
		"erase p size q.len\n"
		"\terase p nullify\n"
		"[dm-crypt]\n"
		"#@type cc_list struct list_head\n"
		"for cc in cc_list within crypt_config:list\n"
		"  erase cc.key size cc.key_size\n"
		"endfor\n"
		"for x in arr\n"
		"endfor\n"
		"for n in head via next\n"
		"erase n.name size 0x10\n"
		"endfor\n"
		"for k in tree rbtree key:serial_node\n"
		"  erase k.data size k.len if k.type == &key_type_user\n"
		"  erase k.id if k.type != &other\n"
		"endfor\n"
		"#@type key.payload struct user_key_payload *\n");
	assert_int_equal(cfg->nr_sections, 2);
	const struct ec_section *v = &cfg->sections[0], *m = &cfg->sections[1];
	assert_string_equal(v->name, "vmlinux");
	assert_int_equal(v->nr_cmds, 4);
	assert_int_equal(v->cmds[0].erase.size_kind, EC_SIZE_TYPE);
	assert_string_equal(v->cmds[1].erase.target.text, "a.b.c");
	assert_int_equal(v->cmds[1].erase.target.nr_parts, 3);
	assert_string_equal(v->cmds[1].erase.target.parts[2], "c");
	assert_int_equal(v->cmds[1].erase.size_kind, EC_SIZE_NUM);
	assert_int_equal(v->cmds[1].erase.size, 16384);
	assert_int_equal(v->cmds[2].erase.size_kind, EC_SIZE_EXPR);
	assert_string_equal(v->cmds[2].erase.size_expr.text, "q.len");
	assert_int_equal(v->cmds[3].erase.size_kind, EC_SIZE_NULLIFY);
	assert_int_equal(v->cmds[3].erase.target.col, 8);
	assert_string_equal(m->name, "dm_crypt"); /* '-' as the kernel names modules */
	assert_int_equal(m->nr_cmds, 4);
	const struct ec_loop *l = &m->cmds[0].loop;
	assert_true(m->cmds[0].is_loop);
	assert_int_equal(l->kind, EC_LOOP_WITHIN);
	assert_string_equal(l->id, "cc");
	assert_string_equal(l->within_struct, "crypt_config");
	assert_string_equal(l->within_member.text, "list");
	assert_int_equal(l->nr_body, 1);
	assert_int_equal(l->body[0].erase.size_kind, EC_SIZE_EXPR);
	assert_int_equal(m->cmds[1].loop.kind, EC_LOOP_ARRAY);
	assert_int_equal(m->cmds[1].loop.nr_body, 0);
	assert_int_equal(m->cmds[2].loop.kind, EC_LOOP_VIA);
	assert_string_equal(m->cmds[2].loop.via, "next");
	assert_int_equal(m->cmds[2].loop.body[0].erase.size, 16);
	const struct ec_loop *rb = &m->cmds[3].loop;
	assert_int_equal(rb->kind, EC_LOOP_RBTREE);
	assert_string_equal(rb->within_struct, "key");
	assert_true(rb->body[0].erase.guard.has && !rb->body[0].erase.guard.neq);
	assert_string_equal(rb->body[0].erase.guard.expr.text, "k.type");
	assert_string_equal(rb->body[0].erase.guard.sym, "key_type_user");
	assert_int_equal(rb->body[0].erase.size_kind, EC_SIZE_EXPR);
	assert_true(rb->body[1].erase.guard.neq);
	assert_int_equal(rb->body[1].erase.size_kind, EC_SIZE_TYPE);
	const struct ec_hint *mh = erase_conf_member_hint(m, "key", "payload");
	assert_non_null(mh);
	assert_int_equal(mh->pointers, 1);
	assert_null(erase_conf_hint(m, "key"));
	const struct ec_hint *h = erase_conf_hint(m, "cc_list");
	assert_non_null(h);
	assert_int_equal(h->base, EC_HINT_STRUCT);
	assert_string_equal(h->name, "list_head");
	assert_null(erase_conf_hint(v, "cc_list"));
	erase_conf_destroy(cfg);
}

static void test_hints(void **state)
{
	(void)state;
	struct erase_config *cfg = parse_ok(
		"#@type a char[]\n"
		"#@type b struct { hash lock, init_bits }\n"
		"#@type c unsigned long *\n"
		"#@type d struct item *[4]\n"
		"#@type e union u\n"
		"#@typo is only a comment\n");
	const struct ec_section *s = &cfg->sections[0];
	assert_int_equal(s->nr_hints, 5);
	const struct ec_hint *h = erase_conf_hint(s, "a");
	assert_true(h->array && !h->array_len_known && h->base == EC_HINT_NAMED);
	assert_string_equal(h->name, "char");
	h = erase_conf_hint(s, "b");
	assert_int_equal(h->base, EC_HINT_ANON_STRUCT);
	assert_int_equal(h->nr_members, 3);
	assert_string_equal(h->members[2], "init_bits");
	h = erase_conf_hint(s, "c");
	assert_string_equal(h->name, "unsigned long");
	assert_int_equal(h->pointers, 1);
	h = erase_conf_hint(s, "d");
	assert_int_equal(h->pointers, 1);
	assert_true(h->array && h->array_len_known);
	assert_int_equal(h->array_len, 4);
	assert_int_equal(erase_conf_hint(s, "e")->base, EC_HINT_UNION);
	erase_conf_destroy(cfg);
}

static void test_sizes(void **state)
{
	(void)state;
	struct erase_config *cfg = parse_ok("erase a size 1m\nerase b size 0x20k\nerase c size 7\n");
	assert_int_equal(cfg->sections[0].cmds[0].erase.size, 1 << 20);
	assert_int_equal(cfg->sections[0].cmds[1].erase.size, 0x20 << 10);
	assert_int_equal(cfg->sections[0].cmds[2].erase.size, 7);
	erase_conf_destroy(cfg);
	expect_err("erase a size 0\n", "t.conf:1:14: bad size '0'");
	expect_err("erase a size 1025M\n", "bad size");
	expect_err("erase a size 12Q\n", "bad size");
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("erase\n", "t.conf:1:6: erase needs a symbol");
	expect_err("\n\nerase x size 4 extra\n", "t.conf:3:16: unexpected 'extra'");
	expect_err("erase x nullify now\n", "t.conf:1:17: unexpected 'now'");
	expect_err("erase 3x\n", "t.conf:1:7:");
	expect_err("erase a.\n", "t.conf:1:9:");
	expect_err("for 1 in a\nendfor\n", "t.conf:1:5: for needs an iteration name");
	expect_err("for x of a\nendfor\n", "t.conf:1:7: expected 'in'");
	expect_err("for x in a via\nendfor\n", "t.conf:1:15: via needs a member name");
	expect_err("for x in a by b\nendfor\n", "t.conf:1:12: expected 'via', 'within', 'rbtree' or 'as'");
	expect_err("for x in a\n[mod]\n", "t.conf:2:1: section header inside a for loop");
	expect_err("[vmlinux\n", "section header without ']'");
	expect_err("[]\n", "empty or overlong section name");
	expect_err("[a] x\n", "t.conf:1:5: unexpected text after the section header");
	struct erase_config *cfg = NULL;
	struct mdf_error *err = erase_conf_parse("t.conf", "erase a\0b\n", 10, &cfg);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "t.conf:1:8: NUL byte"));
	mdf_error_destroy(err);
	expect_err("#@type a struct\n", "expected a type");
	expect_err("#@type a int\n#@type a long\n", "t.conf:2:8: a second #@type for a");
	expect_err("#@type a int[4\n", "expected ']'");
	/* a line too long is refused, not truncated */
	size_t n = EC_MAX_LINE + 10;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	memcpy(big, "erase ", 6);
	big[n] = '\0';
	expect_err(big, "line longer than");
	free(big);
}

/* Our additions for dm-crypt: nested loops, count, loop guards and
 * [MOD1+MOD2] sections. */
static void test_nesting(void **state)
{
	(void)state;
	struct erase_config *cfg = NULL;
	const char *text =
		"[dm_mod+dm-crypt]\n"
		"for h in name_rb_tree rbtree hash_cell:name_node\n"
		"  for t in h.md.map.targets count h.md.map.num_targets\n"
		"    erase t.private.key size t.private.key_size if t.type == &crypt_target\n"
		"    for c in t.private.cipher_tfm.tfms count t.private.tfms_count if t.type == &crypt_target\n"
		"      erase c.base.__crt_ctx size c.base.__crt_alg.cra_ctxsize\n"
		"    endfor\n"
		"  endfor\n"
		"  erase h.name\n"
		"endfor\n"
		"erase after\n";
	struct mdf_error *err = erase_conf_parse("t.conf", text, strlen(text), &cfg);
	assert_null(err);
	assert_int_equal(cfg->nr_sections, 1);
	const struct ec_section *s = &cfg->sections[0];
	assert_string_equal(s->name, "dm_mod+dm_crypt");
	assert_int_equal(s->nr_cmds, 2);
	const struct ec_loop *h = &s->cmds[0].loop;
	assert_int_equal(h->nr_body, 2);
	assert_true(h->body[0].is_loop && !h->body[1].is_loop);
	assert_string_equal(h->body[1].erase.target.text, "h.name");
	const struct ec_loop *t = &h->body[0].loop;
	assert_true(t->has_count && !t->guard.has);
	assert_int_equal(t->kind, EC_LOOP_ARRAY);
	assert_string_equal(t->count.text, "h.md.map.num_targets");
	assert_int_equal(t->nr_body, 2);
	assert_true(t->body[0].erase.guard.has);
	const struct ec_loop *c = &t->body[1].loop;
	assert_true(c->has_count && c->guard.has && !c->guard.neq);
	assert_string_equal(c->guard.sym, "crypt_target");
	assert_string_equal(c->guard.expr.text, "t.type");
	assert_int_equal(c->guard.col, 80);
	assert_int_equal(c->nr_body, 1);
	assert_false(s->cmds[1].is_loop);
	erase_conf_destroy(cfg);

	expect_err("for a in x\nfor b in a.y\nfor c in b.z\nfor d in c.w\nfor e in d.v\n"
		   "for f in e.u\nfor g in f.t\nfor h in g.s\nfor i in h.r\n",
		   "t.conf:9:1: for loops nested more than 8 deep (the loop of line 8");
	/* as STRUCT[:MEMBER] (ours) */
	cfg = parse_ok("for a in x.alg as skcipher_alg:base if y == &z\n"
		       "\tfor s in x.ctx as simd_ctx if a.init == &simd_init\n"
		       "\t\terase s.key\n\tendfor\nendfor\n");
	const struct ec_loop *as1 = &cfg->sections[0].cmds[0].loop;
	assert_int_equal(as1->kind, EC_LOOP_AS);
	assert_string_equal(as1->within_struct, "skcipher_alg");
	assert_string_equal(as1->within_member.text, "base");
	assert_true(as1->guard.has);
	const struct ec_loop *as2 = &as1->body[0].loop;
	assert_int_equal(as2->kind, EC_LOOP_AS);
	assert_string_equal(as2->within_struct, "simd_ctx");
	assert_int_equal(as2->within_member.nr_parts, 0);
	assert_string_equal(as2->guard.expr.text, "a.init");
	erase_conf_destroy(cfg);
	expect_err("for a in x as\nendfor\n", "t.conf:1:14: as needs STRUCT or STRUCT:MEMBER");
	expect_err("for a in x as 1s\nendfor\n", "t.conf:1:15: '1s' is not a struct name");
	expect_err("for a in x as s:\nendfor\n", "t.conf:1:17: ");
	expect_err("for a in x within s\nendfor\n", "t.conf:1:19: within needs STRUCT:MEMBER");
	expect_err("for a in x over s\nendfor\n", "t.conf:1:12: expected 'via', 'within', "
		   "'rbtree' or 'as'");
	expect_err("for a in x\n for b in a.y\n endfor\n", "t.conf:1:1: for without endfor");
	expect_err("for a in x count\nendfor\n", "t.conf:1:12: count goes right after");
	expect_err("for a in x via n count 3\nendfor\n", "t.conf:1:18: count goes right after");
	expect_err("for a in x count n if a.t = &s\nendfor\n", "t.conf:1:20: expected 'if EXPR");
	expect_err("[a+]\n", "t.conf:1:3: empty module name");
	expect_err("[+a]\n", "t.conf:1:2: empty module name");
	expect_err("[a++b]\n", "t.conf:1:3: empty module name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_constructs),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
