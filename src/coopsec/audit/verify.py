"""Recompute the audit chain and name the first broken event."""

from __future__ import annotations

from dataclasses import dataclass

from coopsec.audit.models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problem: str = ""
    seq: int | None = None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in sequence order: contiguous numbers, each link to the previous hash,
    each hash over the event's content, and the head matching the newest event."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainReport(
                False,
                count,
                f"event #{expected_seq} is missing (next found is #{event.seq})",
                expected_seq,
            )
        if event.prev_hash != prev_hash:
            return ChainReport(
                False,
                count,
                f"event #{event.seq} does not link to the event before it",
                event.seq,
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                False,
                count,
                f"event #{event.seq} was altered (its hash does not match)",
                event.seq,
            )
        prev_hash = event.hash
        expected_seq += 1
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq > count:
        return ChainReport(
            False,
            count,
            f"event #{count + 1} is missing: the head records #{head_seq} but the chain ends "
            f"at #{count} (the newest events were deleted, or the head was altered)",
            count + 1,
        )
    if head_seq < count:
        return ChainReport(
            False,
            count,
            f"event #{head_seq + 1} is not recorded by the head (#{head_seq}): it was added "
            "outside the application, or the head was altered",
            head_seq + 1,
        )
    if head_hash != prev_hash:
        return ChainReport(
            False,
            count,
            f"the head's hash does not match event #{count}: the head or the newest event was "
            "replaced",
            count,
        )
    return ChainReport(True, count)
