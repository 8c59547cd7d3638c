"""Lost answers and random faults: a write that acts but whose answer never arrives (the connection closes after the
change was made), and, at a chosen rate, 500 InternalError and connections closed before acting.

Route 53 behaviour: what Route 53 and every network do now and then (Amazon Route 53 API Reference, "Common errors":
InternalError and ServiceUnavailable are worth retrying; Throttling says nothing was done). A connection reset after
the request arrived leaves its outcome unknown to the caller: the change may have been made. Route 53 Domains' calls
(UpdateDomainNameservers, Associate/DisassociateDelegationSigner...) fail the same way.

POST /__proxy/lose-answers?op=OP[&skip=N][&count=K]: of OP's next successful calls, N are answered, then the next K act
and lose their answer (default N=0, K=1). OP is ChangeResourceRecordSets, DeleteHostedZone,
DeleteReusableDelegationSet, ChangeTagsForResource, UpdateDomainNameservers, AssociateDelegationSignerToDomain or
DisassociateDelegationSignerFromDomain.
POST /__proxy/faults?rate=R&seed=S: from now on each Route 53 or Route 53 Domains call meets a fault with probability R
(random.Random(S)): a 500 InternalError or a closed connection before acting, or (for a write, half its faults) its
answer lost after acting. Throttling is left to --buckets: the client's pacer halves its rate on each one, which would
make a soak measure the pacer's recovery instead of the writes. No request path meets more than two faults in a row,
so a client that retries (or reads back and resends) gets through; rate=0 stops them. GET /__proxy/lost answers {"lost": {op: answers lost},
"faults": {kind: count}}.
"""
import random

from .store import lock, state

# The writes whose answers a test may have lost on purpose, and those a random fault may lose after acting.
LOSABLE = {"ChangeResourceRecordSets", "DeleteHostedZone", "DeleteReusableDelegationSet", "ChangeTagsForResource",
           "UpdateDomainNameservers", "AssociateDelegationSignerToDomain", "DisassociateDelegationSignerFromDomain"}
WRITES = LOSABLE | {"CreateHostedZone", "CreateReusableDelegationSet"}
# Faults in a row a request path may meet before one is let through.
MAX_IN_A_ROW = 2

faults = {"plans": {}, "rate": 0.0, "random": random.Random(0), "in_a_row": {}, "lost": {}, "counts": {}}


def count(kind):
    faults["counts"][kind] = faults["counts"].get(kind, 0) + 1


class FaultsMixin:
    """The request handler's fault injection: before acting (fault_before) and after (lose_after)."""

    def fault_operation(self, op):
        """`op`, with Route 53 Domains calls named by their X-Amz-Target (UpdateDomainNameservers); None for STS."""
        if op != "Domains":
            return op
        target = self.headers.get("X-Amz-Target") or ""
        return target.rsplit(".", 1)[-1] if target.startswith("Route53Domains") else None

    def control_lose_answers(self, q):
        op = q.get("op", "ChangeResourceRecordSets")
        faults["plans"][op] = {"skip": int(q.get("skip", "0")), "count": int(q.get("count", "1"))}
        return faults["plans"]

    def control_faults(self, q):
        faults["rate"] = float(q.get("rate", "0"))
        faults["random"] = random.Random(int(q.get("seed", "0")))
        faults["in_a_row"] = {}
        return {"rate": faults["rate"]}

    def control_lost(self, _):
        return {"lost": faults["lost"], "faults": faults["counts"]}

    def draw(self, op):
        """The random fault this call meets: None, "500", "drop" or "lose" (a write's answer, after acting)."""
        with lock:
            if not faults["rate"] or op is None:
                return None
            key = self.command + " " + self.path
            if faults["in_a_row"].get(key, 0) >= MAX_IN_A_ROW or faults["random"].random() >= faults["rate"]:
                faults["in_a_row"].pop(key, None)
                return None
            faults["in_a_row"][key] = faults["in_a_row"].get(key, 0) + 1
            kinds = ["500", "drop"] + (["lose", "lose"] if op in WRITES else [])
            kind = faults["random"].choice(kinds)
            count(kind)
            return kind

    def fault_before(self, op):
        """Draws this call's random fault; answers (or drops) a fault that comes before acting. True when it did."""
        from .wire import error_xml
        self.pending_fault = self.draw(op)
        if self.pending_fault == "500":
            self.answer(500, error_xml("InternalError", "We encountered an internal error. Please try again.", "Receiver"))
        elif self.pending_fault == "drop":
            self.drop_connection()
        else:
            return False
        return True

    def lose_after(self, op, status):
        """True when the answer to this call, which acted (2xx), is to be lost: planned for `op`, or a random fault."""
        if not 200 <= status < 300 or op is None:
            return False
        with lock:
            lose = getattr(self, "pending_fault", None) == "lose"
            plan = faults["plans"].get(op)
            if not lose and plan and op in LOSABLE:
                if plan["skip"] > 0:
                    plan["skip"] -= 1
                elif plan["count"] > 0:
                    plan["count"] -= 1
                    lose = True
            if lose:
                faults["lost"][op] = faults["lost"].get(op, 0) + 1
        return lose

    def drop_connection(self):
        """Closes the connection without an answer: the client sees it dropped."""
        self.close_connection = True
        self.connection.shutdown(2)
