"""Steps every case workflow shares (repair, objections): a machine step and a moved deadline, each audited."""
