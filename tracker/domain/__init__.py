"""Pure rules, standard library only, `today`/`now` passed in: the status vocabulary, assessment, deadlines and the
schedule lens, health, monitoring plans and the warnings every command shows.
"""
