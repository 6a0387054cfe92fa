import { deepStrictEqual as assertEquals } from "node:assert";
import { ClientIds } from "./_client_ids.ts";

const initialize = (id: string) =>
  JSON.stringify({ request_id: id, type: "control_request", request: { subtype: "initialize" } });
const answer = (id: string) =>
  JSON.stringify({
    type: "control_response",
    response: { subtype: "success", request_id: id, response: { pid: 1 } },
  });

Deno.test("a control request's id is paired with the live one, and the answer re-keyed to it", () => {
  const ids = new ClientIds();
  assertEquals(ids.match(initialize("rec0000001"), initialize("live000001")), undefined);
  assertEquals(ids.rekey(answer("rec0000001")), answer("live000001"));
  assertEquals(ids.rekey(answer("other00001")), answer("other00001"));
});

Deno.test("a user line's uuid is paired; the key order of a JSON line does not matter", () => {
  const ids = new ClientIds();
  const recorded = '{"type":"user","uuid":"u-rec","message":{"role":"user","content":"hi"}}';
  const live = '{"message":{"content":"hi","role":"user"},"uuid":"u-live","type":"user"}';
  assertEquals(ids.match(recorded, live), undefined);
  assertEquals(
    ids.rekey('{"type":"user","uuid":"u-rec","isReplay":true}'),
    '{"type":"user","uuid":"u-live","isReplay":true}',
  );
});

Deno.test("a pairing holds for the whole run: a recorded id that comes back as another is a miss", () => {
  const ids = new ClientIds();
  ids.match(initialize("a"), initialize("x"));
  assertEquals(
    ids.match(initialize("a"), initialize("y")),
    'request_id: the recorded "a" was "x" earlier in this run, now "y"',
  );
  assertEquals(
    ids.match(initialize("b"), initialize("x")),
    'request_id: this run\'s "x" stood for the recorded "a", here for "b"',
  );
});

Deno.test("anything else that differs is named by its path; ids in answers to the CLI are not set aside", () => {
  const ids = new ClientIds();
  const permission = (behavior: string, id = "cli-req-1") =>
    JSON.stringify({
      type: "control_response",
      response: { subtype: "success", request_id: id, response: { behavior } },
    });
  assertEquals(
    ids.match(permission("allow"), permission("deny")),
    'response.response.behavior: recorded "allow", this run "deny"',
  );
  assertEquals(
    ids.match(permission("allow"), permission("allow", "cli-req-2")),
    'response.request_id: recorded "cli-req-1", this run "cli-req-2"',
  );
  assertEquals(
    ids.match(
      '{"type":"control_request","request_id":"a","request":{"subtype":"set_model","model":"opus"}}',
      '{"type":"control_request","request_id":"b","request":{"subtype":"set_model","model":"haiku"}}',
    ),
    'request.model: recorded "opus", this run "haiku"',
  );
  assertEquals(
    ids.match("plain text", "plain texts"),
    'recorded "plain text", this run "plain texts"',
  );
});

Deno.test("a live user line's uuid that the recording lacks is set aside (a cassette from before claw sent uuids)", () => {
  const ids = new ClientIds();
  const recorded = '{"type":"user","message":{"role":"user","content":"hi"}}';
  assertEquals(
    ids.match(recorded, '{"type":"user","message":{"role":"user","content":"hi"},"uuid":"u-live"}'),
    undefined,
  );
  assertEquals(
    typeof ids.match(
      recorded,
      '{"type":"user","message":{"role":"user","content":"bye"},"uuid":"u2"}',
    ),
    "string",
  );
});
