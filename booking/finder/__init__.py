"""Finding a teacher: ``/teachers/`` (URL name ``booking:teacher_list``) lists the active
teachers with their price, rating, specialties, levels and next free time, filtered by GET
parameters so a search can be shared. It lives in booking because the price, the slots and
the reviews are booking's rules (accounts, below booking, cannot read them)."""
