# bash completion for porttop                              -*- shell-script -*-
# Installed as "porttop" in bash-completion's completions directory.

_porttop_columns()
{
    # the first field of every --list-columns line is a column id
    "$1" --list-columns 2>/dev/null | while read -r col _; do
        printf '%s\n' "$col"
    done
}

_porttop()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        -o | --output)
            local cols prefix=
            cols=$(_porttop_columns "$1")
            [[ $cols ]] || cols="proto address port service class exposure
                queue conns drops user pid fd inode unit netns command"
            # a comma-separated list: complete its last element
            if [[ $cur == *,* ]]; then
                prefix=${cur%,*},
                cur=${cur##*,}
            fi
            COMPREPLY=($(compgen -P "$prefix" -W "$cols" -- "$cur"))
            return
            ;;
        --color)
            # an optional argument: only --color=WHEN
            if $split; then
                COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
                return
            fi
            ;;
        --wait)
            $split && return
            ;;
        --prometheus)
            # an optional argument: only --prometheus=FILE
            if $split; then
                _filedir
                return
            fi
            ;;
        --events)
            if $split; then
                COMPREPLY=($(compgen -W 'changes' -- "$cur"))
                return
            fi
            ;;
        --try)
            if $split; then
                COMPREPLY=($(compgen -W 'reuseaddr reuseport reuseaddr,reuseport' -- "$cur"))
                return
            fi
            ;;
        --address | --why)
            return
            ;;
        --services)
            _filedir
            return
            ;;
        --owner-scan)
            COMPREPLY=($(compgen -W 'auto bpf proc' -- "$cur"))
            return
            ;;
        --user)
            COMPREPLY=($(compgen -u -- "$cur"))
            return
            ;;
        --pid)
            _pids
            return
            ;;
        --command)
            _pnames
            return
            ;;
        -d | --delay | -n | --iterations | --timeout)
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--batch --json --live --prometheus
            --prometheus= --events --events= --output --output-all
            --list-columns
            --no-header --color --color= --tcp --udp --ipv4 --ipv6 --pid --user
            --command --exposed --all-netns --wait --wait= --timeout --why --address --try --try= --delay
            --iterations --services --owner-scan --help --version -b -o -t -u -4 -6 -N
            -d -n -h -V' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi
} &&
    complete -F _porttop porttop

# ex: filetype=sh
