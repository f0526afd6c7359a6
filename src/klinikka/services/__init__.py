"""Every operation klinikka can do, one transaction each (see the modules for each area).

Services take an engine, validate their input, raise ``klinikka.errors`` types with
translatable messages, and return plain read models that never touch the database later.
"""
