"""What the hostile pass of session 7 broke in reading the users list, with the run that showed
it: a user the list shows on two pages (it moved to the next page between the reads) was two
users to the plan, and one that moved back onto a page already read by its link was none."""
import json
import threading
import time
import unittest

from harness import Sandbox, SeededSandbox, ToolTestCase, demo_seed

MARKER = {"managed_by": "rossum-accounts"}
JANE = "jane.doe@demo.example"
JOHN = "john.smith@demo.example"


def page(users, total, total_pages, next_url=None):
    return json.dumps({"pagination": {"total": total, "total_pages": total_pages,
                                      "next": next_url, "previous": None},
                       "results": users})


class UserOnTwoPagesTest(ToolTestCase):
    """The organization's users read as two pages whose boundary user is on both."""

    def serve_pages(self, sb, first, second):
        total = len(first) + len(second)
        next_url = sb.url + "/v1/users?organization=4201&page_size=100&page=2"
        for body in (page(first, total, 2, next_url), page(second, total, 2)):
            sb.fault(method="GET", path="/api/v1/users", action="respond", status=200,
                     body=body)

    def users(self, sb):
        return {u["username"]: u for u in sb.users() if u["organization"].endswith("/4201")
                and not u["deleted"]}

    def test_a_marked_user_on_two_pages_is_deactivated_once_and_snapshotted_once(self):
        manifest = self.write("m.yaml", "version: 1\nprune: true\naccounts:\n"
                                        "  - username: %s\n    groups: [annotator]\n" % JANE)
        plan_path, snapshot_path = self.tmp + "/plan.json", self.tmp + "/snapshot.json"
        with Sandbox() as sb:
            for user_id in (10002, 10003):
                sb.patch_user(user_id, metadata=MARKER)
            env = self.env(sb)
            live = self.users(sb)
            pages = ([live["admin@demo.rossum.local"], live[JANE], live[JOHN]], [live[JOHN]])
            self.serve_pages(sb, *pages)
            planned = self.run_tool("plan", manifest, "--format", "json", "--out", plan_path,
                                    env=env)
            self.serve_pages(sb, *pages)
            snapshot = self.run_tool("snapshot", "--output", snapshot_path, env=env)
            against_snapshot = self.run_tool("plan", manifest, "--snapshot", snapshot_path,
                                             "--format", "json", env=env)
            applied = self.run_tool("apply", "--plan", plan_path, "--auto-approve", env=env)
            john = self.users(sb)[JOHN]
        self.assertExit(planned, 0)
        actions = json.loads(planned.stdout)["actions"]
        self.assertEqual([(a["action"], a["username"]) for a in actions],
                         [("skip", JANE), ("deactivate", JOHN)])
        self.assertExit(snapshot, 0)
        self.assertIn("Saved a snapshot of 3 users", snapshot.stderr + snapshot.stdout)
        self.assertExit(against_snapshot, 0)
        self.assertEqual(json.loads(against_snapshot.stdout)["actions"], actions)
        self.assertExit(applied, 0)
        self.assertFalse(john["is_active"])
        self.assertNoSecrets()

    def test_a_case_variant_on_two_pages_is_one_user_with_or_without_prune(self):
        with Sandbox() as sb:
            sb.patch_user(10002, username="Jane.Doe@demo.example", metadata=MARKER)
            env = self.env(sb)
            live = self.users(sb)
            pages = ([live["admin@demo.rossum.local"], live["Jane.Doe@demo.example"]],
                     [live["Jane.Doe@demo.example"], live[JOHN]])
            runs = {}
            for prune in ("false", "true"):
                manifest = self.write("m-%s.yaml" % prune,
                                      "version: 1\nprune: %s\naccounts:\n  - username: %s\n"
                                      "    groups: [annotator]\n" % (prune, JANE))
                self.serve_pages(sb, *pages)
                runs[prune] = self.run_tool("plan", manifest, "--format", "json", env=env)
        for prune, run in runs.items():
            with self.subTest(prune=prune):
                self.assertExit(run, 0)
                [action] = json.loads(run.stdout)["actions"]
                self.assertEqual((action["action"], action["user_id"]), ("skip", 10002))
        self.assertNoSecrets()


class UserMovedOntoAPageReadTest(ToolTestCase):
    def test_a_user_removed_while_links_are_followed_does_not_hide_the_next_one(self):
        seed = demo_seed(generate=[{"organization": 4201, "count": 150, "prefix": "bulk"}])
        with SeededSandbox(seed, self.tmp) as sb:
            users = [u for u in sb.users() if u["organization"].endswith("/4201")]
            first_of_page_2, removed = users[100], users[5]
            manifest = self.write("m.yaml", "version: 1\naccounts:\n  - username: %s\n"
                                            "    groups: [annotator]\n  - username: new@x\n"
                                            "    groups: [annotator]\n"
                                  % first_of_page_2["username"])
            # Page 2 is answered 1.5 s late, from the list as it is then; a user of page 1 is
            # removed as soon as page 1 has been answered.
            sb.fault(method="GET", path="/api/v1/users", action="hang", ms=1500, skip=1)

            def remove_once_page_1_is_read():
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    if any(r["path"] == "/api/v1/users" for r in sb.requests()):
                        sb.control("DELETE", "/users/%d" % removed["id"])
                        return
                    time.sleep(0.02)

            remover = threading.Thread(target=remove_once_page_1_is_read)
            remover.start()
            run = self.run_tool("--parallelism", "1", "plan", manifest, "--format", "json",
                                env=self.env(sb))
            remover.join()
        self.assertExit(run, 0)
        actions = {a["username"]: a for a in json.loads(run.stdout)["actions"]}
        self.assertEqual(actions[first_of_page_2["username"]]["user_id"], first_of_page_2["id"])
        self.assertEqual(actions["new@x"]["action"], "create")
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
