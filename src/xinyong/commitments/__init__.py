"""信用承诺 (credit commitments): registration, publication, fulfilment and breach."""
